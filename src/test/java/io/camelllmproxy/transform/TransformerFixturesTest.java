package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.stream.SseEventReader;
import io.camelllmproxy.support.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every golden fixture folder through its schema's transformer, with no Camel involved: the request
 * the provider must get, and the answer (JSON or SSE) the client must get.
 */
class TransformerFixturesTest {

    static final Map<String, WireTransformer> BY_SCHEMA = Map.of("openai", new OpenAiTransformer());

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

        UpstreamRequest upstream = transformer.request(request.deepCopy(), target);
        JsonNode expected = Fixtures.json(caseDir.resolve("upstream-request.json"));
        assertEquals(expected.get("url").asText(), upstream.url());
        Map<String, String> expectedHeaders = new TreeMap<>();
        expected.get("headers").fields().forEachRemaining(h -> expectedHeaders.put(h.getKey(), h.getValue().asText()));
        assertEquals(expectedHeaders, new TreeMap<>(upstream.headers()));
        JsonNode body = Json.MAPPER.readTree(upstream.body());
        assertTrue(expected.get("body").equals(Fixtures.BY_VALUE, body),
                "upstream body\n expected " + expected.get("body") + "\n actual   " + body);

        Path jsonAnswer = caseDir.resolve("upstream-response.json");
        if (Files.exists(jsonAnswer)) {
            byte[] answer = transformer.response(Files.readAllBytes(jsonAnswer), request, target);
            JsonNode expectedAnswer = Fixtures.json(caseDir.resolve("client-response.json"));
            assertTrue(expectedAnswer.equals(Fixtures.BY_VALUE, Json.MAPPER.readTree(answer)),
                    "client response\n expected " + expectedAnswer + "\n actual   " + new String(answer, StandardCharsets.UTF_8));
        } else {
            StreamTranslator translator = transformer.stream(request, target);
            SseEventReader events = new SseEventReader(new ByteArrayInputStream(
                    Files.readAllBytes(caseDir.resolve("upstream-response.sse"))));
            StringBuilder client = new StringBuilder();
            while (events.hasNext()) {
                String event = events.next();
                if (!SseEventReader.END.equals(event)) {
                    translator.onEvent(event).forEach(p -> client.append("data: ").append(p).append("\n\n"));
                }
            }
            translator.onEnd().forEach(p -> client.append("data: ").append(p).append("\n\n"));
            assertEquals(Files.readString(caseDir.resolve("client-response.sse")), client.toString());
        }
    }
}
