package io.camelllmproxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-streaming chat completions end to end: real HTTP in, registry in a database, a recording upstream. */
class ChatCompletionsRouteTest {

    static final String UPSTREAM_KEY = "sk-upstream-secret-0123456789";
    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        String base = upstream.baseUrl();
        String registry = "providers:\n"
                + provider("main-openai", "openai", base, UPSTREAM_KEY, null,
                "{model_id: gpt-4o-mini, model_name: GPT-4o mini, model_alias: fast}",
                "{model_id: shared-model, model_name: Shared}",
                "{model_id: off-model, model_name: Off, enabled: false}")
                + provider("second-groq", "groq", base, null,
                "    default_temperature: 0.0\n    default_max_tokens: 77\n",
                "{model_id: shared-model, model_name: Shared again}",
                "{model_id: llama-cold, model_name: Llama}")
                + provider("commandr", "cohere", base, "co-key", null, "{model_id: command-r, model_name: Command R}")
                + provider("titan", "bedrock", base, "aws-key", null, "{model_id: titan-text, model_name: Titan}")
                + provider("off-provider", "openai", base, null, "    enabled: false\n",
                "{model_id: orphan, model_name: Orphan}")
                + provider("rotated-key", "openai", base, "sk-will-be-replaced", null, "{model_id: locked, model_name: Locked}")
                + provider("editable", "openai", base, null, null, "{model_id: soon-disabled, model_name: Soon}");
        gateway = GatewayHarness.start(registry, Map.of("llm.server.max-body-bytes", "65536",
                "camel.server.maxBodySize", "65536"));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void forwardsEveryFieldButModelAndRelaysTheAnswerUnchanged() throws Exception {
        String answer = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4},\"system_fingerprint\":\"fp_x\"}";
        upstream.reply(new FakeUpstream.Json(200, answer, Map.of("x-request-id", "req-42", "openai-organization", "org-secret")));
        String request = "{\"model\":\"fast\",\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}],"
                + "\"seed\":7,\"n\":2,\"response_format\":{\"type\":\"json_object\"},\"max_completion_tokens\":50,"
                + "\"user\":\"u-1\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"top_p\":0.25,\"x_vendor_extension\":{\"a\":[1,2.50,1e-7]}}";

        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", request,
                "X-Client-Secret", "do-not-forward", "Cookie", "a=b");

        assertEquals(200, response.statusCode());
        assertEquals(answer, response.body());
        assertEquals("req-42", response.headers().firstValue("x-provider-request-id").orElse(null),
                "the provider's own request id is passed on beside the gateway's x-request-id");
        assertTrue(response.headers().firstValue("openai-organization").isEmpty());

        FakeUpstream.Received received = upstream.take();
        assertEquals("/v1/chat/completions", received.path());
        assertEquals("Bearer " + UPSTREAM_KEY, received.header("Authorization"));
        assertNull(received.header("X-Client-Secret"));
        assertNull(received.header("Cookie"));
        ObjectNode expected = (ObjectNode) Json.MAPPER.readTree(request);
        expected.put("model", "gpt-4o-mini");
        assertEquals(expected, Json.MAPPER.readTree(received.body()));
    }

    @Test
    void providerDefaultsFillOnlyWhatTheClientLeftOut() throws Exception {
        upstream.replyJson(200, "{}");
        gateway.postJson("/v1/chat/completions", "{\"model\":\"llama-cold\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        JsonNode defaulted = Json.MAPPER.readTree(upstream.take().body());
        assertEquals(0.0, defaulted.get("temperature").asDouble(), "a configured 0.0 is honoured");
        assertTrue(defaulted.get("temperature").isNumber());
        assertEquals(77, defaulted.get("max_tokens").asInt());

        gateway.postJson("/v1/chat/completions", "{\"model\":\"llama-cold\",\"temperature\":0.5,\"max_completion_tokens\":9,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        FakeUpstream.Received second = upstream.take();
        JsonNode explicit = Json.MAPPER.readTree(second.body());
        assertEquals(0.5, explicit.get("temperature").asDouble());
        assertFalse(explicit.has("max_tokens"));
        assertNull(second.header("Authorization"), "a provider without a key gets no Authorization header");
    }

    @Test
    void aNameOnSeveralProvidersIsAmbiguousAndTheQualifiedNameResolves() throws Exception {
        HttpResponse<String> ambiguous = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"shared-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(400, ambiguous.statusCode());
        JsonNode error = Json.MAPPER.readTree(ambiguous.body()).get("error");
        assertEquals("model_ambiguous", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("main-openai/shared-model"));
        assertTrue(error.get("message").asText().contains("second-groq/shared-model"));

        upstream.replyJson(200, "{}");
        HttpResponse<String> qualified = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"second-groq/shared-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, qualified.statusCode());
        assertEquals("shared-model", Json.MAPPER.readTree(upstream.take().body()).get("model").asText());
    }

    @Test
    void disabledModelsAndProvidersAreNotFound() throws Exception {
        for (String name : new String[] {"off-model", "orphan", "no-such-model"}) {
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                    "{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(404, response.statusCode(), name);
            JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
            assertEquals("model_not_found", error.get("code").asText());
            assertEquals("model", error.get("param").asText());
        }
    }

    @Test
    void typesWithoutTranslatorAreRefusedAndNothingIsSent() throws Exception {
        for (String name : new String[] {"command-r", "titan-text"}) {
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                    "{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(501, response.statusCode(), name);
            assertEquals("provider_not_supported", Json.MAPPER.readTree(response.body()).get("error").get("code").asText());
        }
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void invalidRequestsGetOpenAiErrors() throws Exception {
        Map<String, String[]> cases = Map.of(
                "{not json", new String[] {"400", "invalid_json", ""},
                "[1,2]", new String[] {"400", "invalid_request_body", ""},
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", new String[] {"400", "missing_required_parameter", "model"},
                "{\"model\":\"fast\"}", new String[] {"400", "missing_required_parameter", "messages"},
                "{\"model\":\"fast\",\"messages\":\"hi\"}", new String[] {"400", "invalid_type", "messages"},
                "{\"model\":\"fast\",\"messages\":[{\"content\":\"x\"}]}", new String[] {"400", "invalid_type", "messages[0].role"},
                "{\"model\":\"fast\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", new String[] {"400", "invalid_type", "stream"},
                "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", new String[] {"400", "invalid_type", "model"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> response = gateway.postJson("/v1/chat/completions", c.getKey());
            assertEquals(Integer.parseInt(c.getValue()[0]), response.statusCode(), c.getKey());
            JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
            assertEquals(c.getValue()[1], error.get("code").asText(), c.getKey());
            assertEquals(c.getValue()[2], error.get("param").asText(""), c.getKey());
            assertEquals("invalid_request_error", error.get("type").asText());
        }
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void invalidJsonIsDescribedByWhatAndWhereNotByTheParsersInternals() throws Exception {
        for (String body : new String[] {"{\"model\": \"fast\", }", "{\"model\": ", "{not json"}) {
            String message = Json.MAPPER.readTree(gateway.postJson("/v1/chat/completions", body).body())
                    .get("error").get("message").asText();
            assertTrue(message.startsWith("The request body is not valid JSON: ") && message.matches("(?s).*\\(line 1, column \\d+\\)$"),
                    message);
            for (String internal : new String[] {"Source", "REDACTED", "StreamReadFeature", "\n"}) {
                assertFalse(message.contains(internal), message);
            }
        }
        HttpResponse<String> admin = gateway.send("POST", "/llm/providers", "{\"name\": ", GatewayHarness.ADMIN_TOKEN);
        assertEquals(400, admin.statusCode());
        assertFalse(admin.body().contains("REDACTED"), admin.body());
    }

    @Test
    void formAndMultipartBodiesAre415AndLeaveNoUploadFolder() throws Exception {
        java.nio.file.Path uploads = java.nio.file.Path.of("file-uploads");
        if (java.nio.file.Files.isDirectory(uploads)) {
            // left by a run before the fix, possibly with stored parts in it
            try (var files = java.nio.file.Files.walk(uploads)) {
                for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
        }
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
        for (String[] body : new String[][] {{"application/x-www-form-urlencoded", "model=fast&messages=x"},
                {"multipart/form-data; boundary=b", multipart}}) {
            HttpResponse<String> refused = gateway.postJson("/v1/chat/completions", body[1], "Content-Type", body[0]);
            assertEquals(415, refused.statusCode(), body[0]);
            assertEquals("unsupported_media_type", Json.MAPPER.readTree(refused.body()).get("error").get("code").asText());
        }
        assertFalse(java.nio.file.Files.exists(uploads), "no file-uploads folder in the working directory");
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void wrongMediaTypeAndOversizedBodiesAreRefused() throws Exception {
        HttpResponse<String> text = gateway.postJson("/v1/chat/completions", "{}", "Content-Type", "text/plain");
        assertEquals(415, text.statusCode());
        assertEquals("unsupported_media_type", Json.MAPPER.readTree(text.body()).get("error").get("code").asText());

        String huge = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000) + "\"}]}";
        HttpResponse<String> tooBig = gateway.postJson("/v1/chat/completions", huge);
        assertEquals(413, tooBig.statusCode());
        assertEquals("request_too_large", Json.MAPPER.readTree(tooBig.body()).get("error").get("code").asText());
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void unknownPathsAndWrongMethodsGetJsonErrors() throws Exception {
        HttpResponse<String> wrongMethod = gateway.get("/v1/chat/completions");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("allow").orElse(null));
        assertEquals("method_not_allowed", Json.MAPPER.readTree(wrongMethod.body()).get("error").get("code").asText());
        HttpResponse<String> missing = gateway.get("/v1/embeddings");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", Json.MAPPER.readTree(missing.body()).get("error").get("code").asText());
    }

    @Test
    void modelListNamesEachModelByANameThatResolvesToIt() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/models");
        assertEquals(200, response.statusCode());
        JsonNode list = Json.MAPPER.readTree(response.body());
        assertEquals("list", list.get("object").asText());
        Set<String> ids = new HashSet<>();
        for (JsonNode model : list.get("data")) {
            assertEquals("model", model.get("object").asText());
            assertTrue(model.get("created").asLong() > 1_600_000_000L);
            ids.add(model.get("id").asText());
        }
        assertTrue(ids.containsAll(Set.of("gpt-4o-mini", "main-openai/shared-model", "second-groq/shared-model",
                "llama-cold", "command-r", "titan-text", "locked")), String.valueOf(ids));
        assertFalse(ids.contains("off-model") || ids.contains("orphan") || ids.contains("shared-model"), String.valueOf(ids));
    }

    @Test
    void aKeyThatDoesNotDecryptFailsTheRequestInsteadOfSendingItWithout() throws Exception {
        upstream.replyJson(200, "{}");
        String foreign = new io.camelllmproxy.crypto.CredentialCipher("some-other-secret").encryptApiKey("sk-other");
        try (java.sql.Connection c = gateway.database().connect();
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE llm_providers SET api_key = ? WHERE name = 'rotated-key'")) {
            ps.setString(1, foreign);
            assertEquals(1, ps.executeUpdate());
        }
        String request = "{\"model\":\"locked\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> gateway.postJson("/v1/chat/completions", request).statusCode() == 500);
        upstream.clearReceived();
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions", request);
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("provider_credentials_unreadable", error.get("code").asText());
        assertFalse(response.body().contains(foreign));
        assertTrue(upstream.receivedNothing(), "the request was not sent without its key");
    }

    @Test
    void aRegistryChangeIsServedWithinTheRefreshPeriod() throws Exception {
        upstream.replyJson(200, "{}");
        String request = "{\"model\":\"soon-disabled\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertEquals(200, gateway.postJson("/v1/chat/completions", request).statusCode());
        upstream.take();
        try (java.sql.Connection c = gateway.database().connect(); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE llm_models SET enabled = FALSE WHERE model_id = 'soon-disabled'");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> gateway.postJson("/v1/chat/completions", request).statusCode() == 404);
        upstream.clearReceived();
    }

    @Test
    void anUpstreamErrorKeepsItsStatusAndNeverShowsTheKey() throws Exception {
        upstream.reply(new FakeUpstream.Json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + UPSTREAM_KEY
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}", Map.of()));
        HttpResponse<String> response = gateway.postJson("/v1/chat/completions",
                "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(401, response.statusCode());
        assertFalse(response.body().contains(UPSTREAM_KEY));
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("invalid_api_key", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("*****"));
        upstream.take();
    }
}
