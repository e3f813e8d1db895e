package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.stream.NdjsonLineReader;
import io.camelllmproxy.stream.SseEventReader;
import io.camelllmproxy.stream.UsageTap;
import io.camelllmproxy.support.Fixtures;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every golden fixture folder through its schema's transformer, with no Camel involved: the request
 * the provider must get (or the error the gateway must give instead), and the answer, error or stream
 * the client must get. Volatile fields are normalised by {@link Fixtures#normalise}.
 */
class TransformerFixturesTest {

    static final Map<String, WireTransformer> BY_SCHEMA = Map.of(
            "openai", new OpenAiTransformer(),
            "azure_openai", new AzureOpenAiTransformer(),
            "anthropic", new AnthropicTransformer(),
            "ollama", new OllamaTransformer());

    static List<Path> cases() throws Exception {
        return Fixtures.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixture(Path caseDir) throws Exception {
        String schema = caseDir.getParent().getFileName().toString();
        WireTransformer transformer = BY_SCHEMA.get(schema);
        assertTrue(transformer != null, "no transformer registered for fixtures/" + schema);
        ModelTarget target = Fixtures.target(caseDir, schema);
        ObjectNode request = (ObjectNode) Fixtures.json(caseDir.resolve("client-request.json"));

        Path refused = caseDir.resolve("client-error.json");
        if (Files.exists(refused)) {
            JsonNode expected = Fixtures.json(refused);
            GatewayException e = assertThrows(GatewayException.class, () -> transformer.request(request.deepCopy(), target));
            assertEquals(expected.get("status").asInt(), e.error().status());
            assertEquals(expected.get("error"), e.error().toJson().get("error"));
            return;
        }

        UpstreamRequest upstream = transformer.request(request.deepCopy(), target);
        JsonNode expected = Fixtures.json(caseDir.resolve("upstream-request.json"));
        assertEquals(expected.get("url").asText(), upstream.url());
        Map<String, String> expectedHeaders = new TreeMap<>();
        expected.get("headers").fields().forEachRemaining(h -> expectedHeaders.put(h.getKey(), h.getValue().asText()));
        // the fixture is the wire: the request's own headers plus the key the HTTP client adds by the transformer's scheme
        BasicClassicHttpRequest wire = new BasicClassicHttpRequest("POST", upstream.url());
        upstream.headers().forEach(wire::setHeader);
        transformer.credentialScheme().apply(wire, target.credential());
        Map<String, String> sent = new TreeMap<>();
        for (Header header : wire.getHeaders()) {
            sent.put(header.getName(), header.getValue());
        }
        assertEquals(expectedHeaders, sent);
        JsonNode key = Fixtures.json(caseDir.resolve("provider.json")).get("api_key");
        if (key != null && !key.isNull()) {
            assertTrue(upstream.headers().values().stream().noneMatch(v -> v.contains(key.asText())),
                    "the request the transformer builds (an exchange variable) holds no key");
        }
        JsonNode body = Json.MAPPER.readTree(upstream.body());
        assertSameJson(expected.get("body"), body, "upstream body");

        Path status = caseDir.resolve("upstream-status.txt");
        Path jsonAnswer = caseDir.resolve("upstream-response.json");
        if (Files.exists(status)) {
            OpenAiError error = transformer.error(Integer.parseInt(Files.readString(status).trim()),
                    Files.readAllBytes(jsonAnswer), target);
            assertEquals(Integer.parseInt(Files.readString(caseDir.resolve("client-status.txt")).trim()), error.status());
            assertSameJson(Fixtures.json(caseDir.resolve("client-response.json")), error.toJson(), "client error");
        } else if (Files.exists(jsonAnswer)) {
            byte[] answer = transformer.response(Files.readAllBytes(jsonAnswer), request, target);
            assertSameJson(Fixtures.json(caseDir.resolve("client-response.json")), Json.MAPPER.readTree(answer), "client response");
        } else {
            assertStream(caseDir, transformer, request, target);
        }
    }

    private static void assertStream(Path caseDir, WireTransformer transformer, ObjectNode request, ModelTarget target)
            throws Exception {
        Path sse = caseDir.resolve("upstream-response.sse");
        byte[] raw = Files.readAllBytes(Files.exists(sse) ? sse : caseDir.resolve("upstream-response.ndjson"));
        Iterator<List<String>> events = transformer.framing() == StreamFraming.NDJSON
                ? new NdjsonLineReader(new ByteArrayInputStream(raw)) : new SseEventReader(new ByteArrayInputStream(raw));
        // as the gateway relays it: the meter sees the usage, the client only what it asked for
        StreamTranslator translator = new UsageTap(transformer.stream(request, target), usage -> { },
                StreamUsage.clientAsked(request));
        List<String> produced = new ArrayList<>();
        while (events.hasNext()) {
            for (String event : events.next()) {
                produced.addAll(translator.onEvent(event));
            }
        }
        produced.addAll(translator.onEnd());
        List<String> expected = new ArrayList<>();
        new SseEventReader(new ByteArrayInputStream(Files.readAllBytes(caseDir.resolve("client-response.sse"))))
                .forEachRemaining(expected::addAll);
        assertEquals(expected.size(), produced.size(), "chunk count\n expected " + expected + "\n actual   " + produced);
        for (int i = 0; i < expected.size(); i++) {
            if ("[DONE]".equals(expected.get(i))) {
                assertEquals("[DONE]", produced.get(i), "chunk " + i);
            } else {
                assertSameJson(Json.MAPPER.readTree(expected.get(i)), Json.MAPPER.readTree(produced.get(i)), "chunk " + i);
            }
        }
        if (raw.length > 0 && caseDir.toString().contains("openai") && !caseDir.toString().contains("azure")) {
            // The OpenAI schema relays chunks byte for byte, not just equal as JSON.
            assertEquals(Files.readString(caseDir.resolve("client-response.sse")),
                    String.join("", produced.stream().map(p -> "data: " + p + "\n\n").toList()));
        }
    }

    private static void assertSameJson(JsonNode expected, JsonNode actual, String what) {
        JsonNode e = Fixtures.normalise(expected);
        JsonNode a = Fixtures.normalise(actual);
        assertTrue(e.equals(Fixtures.BY_VALUE, a), what + "\n expected " + e + "\n actual   " + a);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
