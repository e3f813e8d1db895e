package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.StreamTranslator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once the gateway asks OpenAI for usage, every chunk of the stream carries {@code "usage":null}: only the one
 * chunk that reports usage may be parsed and metered, whether the client asked for usage or not and whether
 * OpenAI pads the chunk after it ({@code obfuscation}), so a stream costs no JSON parse per chunk.
 */
class UsageTapTest {

    /** OpenAI's chunks with include_usage: usage null on each, then the usage chunk without choices. */
    static final List<String> CHUNKS = List.of(
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}");

    /** The same as OpenAI sends it since it pads chunks ({@code obfuscation}, after usage, on by default). */
    static final List<String> PADDED_CHUNKS = List.of(
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null,\"obfuscation\":\"RmYFV8ad\"}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null,\"obfuscation\":\"\"}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"x7\"}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11},\"obfuscation\":\"q\"}");

    static List<List<String>> streams() {
        return List.of(CHUNKS, PADDED_CHUNKS);
    }

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

    @ParameterizedTest
    @MethodSource("streams")
    void aClientThatAskedGetsEveryChunkAsItCameAndOnlyTheUsageChunkIsMetered(List<String> chunks) {
        List<JsonNode> metered = new ArrayList<>();
        UsageTap tap = new UsageTap(AS_IS, metered::add, true);
        for (String chunk : chunks) {
            List<String> out = tap.onEvent(chunk);
            assertEquals(1, out.size());
            assertSame(chunk, out.get(0), "relayed untouched, not written again");
        }
        assertEquals(1, metered.size(), "the usage:null chunks are not parsed for the meter: " + metered);
        assertEquals(11, metered.get(0).get("usage").get("total_tokens").asLong());
    }

    @ParameterizedTest
    @MethodSource("streams")
    void aClientThatDidNotAskGetsNoUsageAndOnlyTheUsageChunkIsMetered(List<String> chunks) {
        List<JsonNode> metered = new ArrayList<>();
        UsageTap tap = new UsageTap(AS_IS, metered::add, false);
        List<String> relayed = new ArrayList<>();
        chunks.forEach(chunk -> relayed.addAll(tap.onEvent(chunk)));
        assertEquals(3, relayed.size(), "the usage chunk is not relayed: " + relayed);
        for (int i = 0; i < relayed.size(); i++) {
            assertEquals(chunks.get(i).replace(",\"usage\":null", ""), relayed.get(i), "only the usage member is cut out");
        }
        assertEquals(1, metered.size(), "the usage:null chunks are not parsed for the meter: " + metered);
    }

    @Test
    void aNullUsageIsFoundWithoutParsingOnlyWhereItCanOnlyBeTheTopLevels() {
        assertTrue(UsageTap.nullUsageAtEnd("{\"a\":1,\"usage\":null}") > 0);
        assertTrue(UsageTap.nullUsageAtEnd("{\"a\":1,\"usage\":null,\"obfuscation\":\"Ab9\"}") > 0);
        assertEquals(-1, UsageTap.nullUsageAtEnd("{\"a\":{\"b\":1,\"usage\":null}}"), "a nested member");
        assertEquals(-1, UsageTap.nullUsageAtEnd("{\"a\":{\"b\":1,\"usage\":null,\"obfuscation\":\"x\"}}"), "a nested member");
        assertEquals(-1, UsageTap.nullUsageAtEnd("{\"a\":1,\"usage\":null,\"obfuscation\":\"x\\\"y\"}"), "a quote in the padding");
        assertEquals(-1, UsageTap.nullUsageAtEnd("{\"a\":1,\"usage\":null,\"other\":\"x\"}"), "another member after it");
        assertEquals(-1, UsageTap.nullUsageAtEnd("{\"usage\":{\"prompt_tokens\":1},\"obfuscation\":\"x\"}"));
    }
}
