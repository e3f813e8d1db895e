package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.FixtureReplay;
import io.camelllmproxy.support.Fixtures;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden fixture end to end through the running gateway: the registry holds one provider per case
 * (pointed at the recording fake), the client's request goes in over HTTP, the fake checks what arrived
 * and replays the recorded answer, and the client must get the recorded response, error or stream.
 */
class SchemaRoutesTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start(FixtureReplay.registry(Fixtures.cases(), upstream), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static List<Path> cases() throws Exception {
        return Fixtures.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endToEnd(Path caseDir) throws Exception {
        ObjectNode request = (ObjectNode) Fixtures.json(caseDir.resolve("client-request.json"));
        request.put("model", FixtureReplay.modelName(caseDir));
        upstream.clearReceived();

        Path refused = caseDir.resolve("client-error.json");
        if (Files.exists(refused)) {
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", Json.compactString(request));
            JsonNode expected = Fixtures.json(refused);
            assertEquals(expected.get("status").asInt(), response.statusCode());
            assertEquals(expected.get("error"), Json.MAPPER.readTree(response.body()).get("error"));
            assertTrue(upstream.receivedNothing(), "a refused request is not sent");
            return;
        }
        upstream.reply(FixtureReplay.reply(caseDir));
        boolean stream = request.path("stream").asBoolean(false);
        List<JsonNode> got = new ArrayList<>();
        int status;
        if (stream && !Files.exists(caseDir.resolve("upstream-status.txt"))) {
            GatewayHarness.StreamedResponse response = gateway.postStreaming(Json.compactString(request));
            status = response.status();
            for (String data : response.data()) {
                got.add("[DONE]".equals(data) ? Json.MAPPER.getNodeFactory().textNode(data) : Json.MAPPER.readTree(data));
            }
        } else {
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", Json.compactString(request));
            status = response.statusCode();
            got.add(Json.MAPPER.readTree(response.body()));
        }
        assertUpstreamRequest(caseDir, upstream.take());

        Path clientStatus = caseDir.resolve("client-status.txt");
        assertEquals(Files.exists(clientStatus) ? Integer.parseInt(Files.readString(clientStatus).trim()) : 200, status);
        List<JsonNode> expected = expectedClient(caseDir);
        assertEquals(expected.size(), got.size(), "client got " + got);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = Fixtures.normalise(expected.get(i));
            JsonNode a = Fixtures.normalise(got.get(i));
            assertTrue(e.equals(Fixtures.BY_VALUE, a), "client part " + i + "\n expected " + e + "\n actual   " + a);
        }
    }

    private static void assertUpstreamRequest(Path caseDir, FakeUpstream.Received received) throws Exception {
        JsonNode expected = Fixtures.json(caseDir.resolve("upstream-request.json"));
        URI url = URI.create(expected.get("url").asText());
        assertEquals(url.getPath(), received.path());
        assertEquals(url.getQuery(), received.query());
        expected.get("headers").fields().forEachRemaining(h ->
                assertEquals(h.getValue().asText(), received.header(h.getKey()), "upstream header " + h.getKey()));
        JsonNode e = expected.get("body");
        JsonNode a = Json.MAPPER.readTree(received.body());
        assertTrue(e.equals(Fixtures.BY_VALUE, a), "upstream body\n expected " + e + "\n actual   " + a);
    }

    private static List<JsonNode> expectedClient(Path caseDir) throws Exception {
        Path sse = caseDir.resolve("client-response.sse");
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(sse)) {
            out.add(Fixtures.json(caseDir.resolve("client-response.json")));
            return out;
        }
        Iterator<List<String>> events = new io.camelllmproxy.stream.SseEventReader(Files.newInputStream(sse));
        while (events.hasNext()) {
            for (String data : events.next()) {
                out.add("[DONE]".equals(data) ? Json.MAPPER.getNodeFactory().textNode(data) : Json.MAPPER.readTree(data));
            }
        }
        return out;
    }
}
