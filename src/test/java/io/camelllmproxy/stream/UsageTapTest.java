package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.StreamTranslator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Once the gateway asks OpenAI for usage, every chunk of the stream carries {@code "usage":null}: only the one
 * chunk that reports usage may be parsed and metered, whether the client asked for usage or not, so a stream
 * costs no JSON parse per chunk.
 */
class UsageTapTest {

    /** OpenAI's chunks with include_usage: usage null on each, then the usage chunk without choices. */
    static final List<String> CHUNKS = List.of(
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}");

    /** Passes each event on as it came. */
    static final StreamTranslator AS_IS = new StreamTranslator() {
        @Override
        public List<String> onEvent(String data) {
            return List.of(data);
        }

        @Override
        public List<String> onEnd() {
            return List.of();
        }
    };

    @Test
    void aClientThatAskedGetsEveryChunkAsItCameAndOnlyTheUsageChunkIsMetered() {
        List<JsonNode> metered = new ArrayList<>();
        UsageTap tap = new UsageTap(AS_IS, metered::add, true);
        for (String chunk : CHUNKS) {
            List<String> out = tap.onEvent(chunk);
            assertEquals(1, out.size());
            assertSame(chunk, out.get(0), "relayed untouched, not written again");
        }
        assertEquals(1, metered.size(), "the usage:null chunks are not parsed for the meter: " + metered);
        assertEquals(11, metered.get(0).get("usage").get("total_tokens").asLong());
    }

    @Test
    void aClientThatDidNotAskGetsNoUsageAndOnlyTheUsageChunkIsMetered() {
        List<JsonNode> metered = new ArrayList<>();
        UsageTap tap = new UsageTap(AS_IS, metered::add, false);
        List<String> relayed = new ArrayList<>();
        CHUNKS.forEach(chunk -> relayed.addAll(tap.onEvent(chunk)));
        assertEquals(3, relayed.size(), "the usage chunk is not relayed: " + relayed);
        relayed.forEach(chunk -> assertEquals(-1, chunk.indexOf("usage"), chunk));
        assertEquals(1, metered.size(), metered.toString());
    }
}
