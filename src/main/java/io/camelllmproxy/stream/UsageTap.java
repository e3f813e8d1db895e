package io.camelllmproxy.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.StreamTranslator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Taps the usage off a stream's chunks: every chunk that reports usage goes to the meter, and the client gets
 * exactly what it asked for. A client that asked ({@code stream_options.include_usage}) gets the chunks as they
 * are; one that did not (the gateway asked for it, see {@code transform.StreamUsage}) gets no usage chunk (the one
 * without choices) and no {@code usage} field on the others (OpenAI puts {@code "usage": null} on every chunk
 * once asked). Only chunks that mention usage are parsed, so a stream without it passes unparsed.
 */
public final class UsageTap implements StreamTranslator {

    private static final String USAGE = "usage";
    /** A compact chunk's member when it reports no usage. */
    private static final String NULL_USAGE = ",\"usage\":null";
    /** The start of the padding member OpenAI puts last on each chunk (stream_options.include_obfuscation). */
    private static final String OBFUSCATION = ",\"obfuscation\":\"";

    private final StreamTranslator translator;
    private final Consumer<JsonNode> meter;
    private final boolean clientAsked;

    /** @param meter takes each chunk that mentions usage, before the client gets anything of it */
    public UsageTap(StreamTranslator translator, Consumer<JsonNode> meter, boolean clientAsked) {
        this.translator = translator;
        this.meter = meter;
        this.clientAsked = clientAsked;
    }

    @Override
    public List<String> onEvent(String data) {
        return tap(translator.onEvent(data));
    }

    @Override
    public List<String> onEnd() {
        return tap(translator.onEnd());
    }

    private List<String> tap(List<String> payloads) {
        List<String> out = null;
        for (int i = 0; i < payloads.size(); i++) {
            String payload = payloads.get(i);
            String kept = payload.contains("\"usage\"") ? tapped(payload) : payload;
            if (out == null && kept != payload) {
                out = new ArrayList<>(payloads.subList(0, i));
            }
            if (out != null && kept != null) {
                out.add(kept);
            }
        }
        return out == null ? payloads : out;
    }

    /**
     * Where a top-level {@code ,"usage":null} starts when it is the chunk's last member, or the last before OpenAI's
     * {@code "obfuscation":"..."} padding (which it puts last); else -1. At the very end of an object, or just
     * before its last member that ends it, a member can only be the top level's.
     */
    static int nullUsageAtEnd(String payload) {
        int end = payload.length() - 1;
        if (end < 1 || payload.charAt(end) != '}') {
            return -1;
        }
        int before = end;
        if (payload.charAt(end - 1) == '"') {
            // a padding string without quotes in it, opened just after ,"obfuscation":
            int open = payload.lastIndexOf('"', end - 2);
            if (open < 0 || !payload.startsWith(OBFUSCATION, open + 1 - OBFUSCATION.length())) {
                return -1;
            }
            before = open + 1 - OBFUSCATION.length();
        }
        int start = before - NULL_USAGE.length();
        return start > 0 && payload.startsWith(NULL_USAGE, start) ? start : -1;
    }

    /** What the client gets of a chunk that mentions usage: itself, itself without usage, or null (nothing). */
    private String tapped(String payload) {
        int nullUsage = nullUsageAtEnd(payload);
        if (nullUsage >= 0) {
            // OpenAI's own shape of every chunk but the last once usage is asked for: nothing to meter, so no chunk
            // of the stream is parsed again (whoever asked), and cutting the member out spares writing it
            return clientAsked ? payload
                    : payload.substring(0, nullUsage) + payload.substring(nullUsage + NULL_USAGE.length());
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            return payload;
        }
        if (!(chunk instanceof ObjectNode object) || !object.has(USAGE)) {
            return payload;
        }
        meter.accept(object);
        if (clientAsked) {
            return payload;
        }
        JsonNode choices = object.get("choices");
        boolean noChoices = choices == null || choices instanceof ArrayNode array && array.isEmpty();
        if (noChoices && !object.get(USAGE).isNull()) {
            return null;
        }
        object.remove(USAGE);
        return Json.compactString(object);
    }
}
