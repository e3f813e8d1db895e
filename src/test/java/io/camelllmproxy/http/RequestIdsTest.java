package io.camelllmproxy.http;

import io.camelllmproxy.embed.InJvmChatRequest;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every answer carries an {@code x-request-id}: the client's own when it is a printable token of at most 128
 * characters, else a new one; the provider gets the same id on every call made for the request (plain, stream,
 * each attempt of a group); in-JVM callers get it in {@code LlmRequestId}.
 */
class RequestIdsTest {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}]}";

    static FakeUpstream good;
    static FakeUpstream failing;
    static GatewayHarness gateway;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        good = new FakeUpstream();
        failing = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n"
                + provider("p", "openai", good.baseUrl(), "sk-good", null, "{model_id: m, model_name: M}")
                + provider("down", "openai", failing.baseUrl(), "sk-down", null, "{model_id: d, model_name: D}")
                + "model_groups:\n"
                + "  - name: pair\n    strategy: fallback\n    members:\n"
                + "      - {provider: down, model_id: d}\n      - {provider: p, model_id: m}\n"
                + "    retry: {attempts: 2}\n", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        good.close();
        failing.close();
    }

    private static HttpResponse<String> chat(String body, String key, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (requestId != null) {
            request.header(RequestIds.HEADER, requestId);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String idOf(HttpResponse<?> response) {
        List<String> ids = response.headers().allValues(RequestIds.HEADER);
        assertEquals(1, ids.size(), "one x-request-id on the answer: " + ids);
        return ids.get(0);
    }

    @Test
    void theClientsIdIsKeptAndSentToTheProvider() throws Exception {
        good.reply(new FakeUpstream.Json(200, ANSWER, Map.of("x-request-id", "req_provider_7")));
        HttpResponse<String> response = chat(CHAT, GatewayHarness.ADMIN_TOKEN, "client-id_42:x/y");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("client-id_42:x/y", idOf(response));
        assertEquals("client-id_42:x/y", good.take().header(RequestIds.HEADER), "the provider got the client's id");
        assertEquals("req_provider_7", response.headers().firstValue("x-provider-request-id").orElse(null),
                "the provider's own id is passed on under a name of its own");
        String longest = "a".repeat(128);
        assertEquals(longest, idOf(chat(CHAT, GatewayHarness.ADMIN_TOKEN, longest)));
        assertEquals(longest, good.take().header(RequestIds.HEADER));
    }

    @Test
    void anUnfitIdIsReplacedAndAMissingOneMade() throws Exception {
        good.replyJson(200, ANSWER);
        // (the JDK client sends no byte outside ASCII: those are checked below, on the rule itself)
        for (String unfit : new String[] {"has space", "a".repeat(129), "tab\there", ""}) {
            HttpResponse<String> response = chat(CHAT, GatewayHarness.ADMIN_TOKEN, unfit);
            assertEquals(200, response.statusCode(), response.body());
            String id = idOf(response);
            assertTrue(UUID.matcher(id).matches(), "'" + unfit + "' replaced by a new id, not " + id);
            assertEquals(id, good.take().header(RequestIds.HEADER), "the provider got the id the client got");
            assertTrue(response.headers().firstValue("x-provider-request-id").isEmpty(),
                    "a provider that sent no id of its own is not said to have sent ours");
        }
        String first = idOf(chat(CHAT, GatewayHarness.ADMIN_TOKEN, null));
        String second = idOf(chat(CHAT, GatewayHarness.ADMIN_TOKEN, null));
        assertTrue(UUID.matcher(first).matches(), first);
        assertNotEquals(first, second, "each request its own id");
        assertEquals(first, good.take().header(RequestIds.HEADER));
        assertEquals(second, good.take().header(RequestIds.HEADER));
    }

    @Test
    void onlyVisibleAsciiIsKept() {
        assertEquals("!~AZaz09", RequestIds.accept("!~AZaz09"));
        for (String unfit : new String[] {"caf\u00e9", "nul\u0000", "del\u007f", "line\nbreak", "\u2028", null}) {
            assertTrue(UUID.matcher(RequestIds.accept(unfit)).matches(), "replaced: " + unfit);
        }
    }

    @Test
    void aStreamSendsItsIdToTheProviderAndAnswersWithIt() throws Exception {
        good.replySse(List.of("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"hel\"}}]}", "[DONE]"), 0);
        HttpResponse<String> response = chat(CHAT.replace("}]}", "}],\"stream\":true}"), GatewayHarness.ADMIN_TOKEN,
                "stream-id-1");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("[DONE]"), response.body());
        assertEquals("stream-id-1", idOf(response));
        assertEquals("stream-id-1", good.take().header(RequestIds.HEADER));
    }

    @Test
    void everyAttemptOfAGroupSendsTheSameId() throws Exception {
        failing.replyJson(500, "{\"error\":{\"message\":\"boom\"}}");
        good.replyJson(200, ANSWER);
        HttpResponse<String> response = chat(CHAT.replace("\"m\"", "\"pair\""), GatewayHarness.ADMIN_TOKEN, "group-id-9");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("2", response.headers().firstValue("x-llm-attempts").orElse(null), "the first member failed over");
        assertEquals("group-id-9", idOf(response));
        assertEquals("group-id-9", failing.take().header(RequestIds.HEADER), "the first attempt");
        assertEquals("group-id-9", good.take().header(RequestIds.HEADER), "the second attempt");

        failing.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}", "[DONE]"), 0);
        failing.replyJson(503, "{\"error\":{\"message\":\"busy\"}}");
        good.replySse(List.of("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}", "[DONE]"), 0);
        HttpResponse<String> stream = chat(CHAT.replace("\"m\"", "\"pair\"").replace("}]}", "}],\"stream\":true}"),
                GatewayHarness.ADMIN_TOKEN, null);
        assertEquals(200, stream.statusCode(), stream.body());
        String id = idOf(stream);
        assertEquals(id, failing.take().header(RequestIds.HEADER), "the stream's first attempt");
        assertEquals(id, good.take().header(RequestIds.HEADER), "the stream's second attempt");
    }

    @Test
    void refusalsAndUnknownPathsCarryAnIdToo() throws Exception {
        HttpResponse<String> noKey = chat(CHAT, null, "refused-1");
        assertEquals(401, noKey.statusCode());
        assertEquals("refused-1", idOf(noKey));
        HttpResponse<String> badKey = chat(CHAT, "sk-llmp-not-a-key", null);
        assertEquals(401, badKey.statusCode());
        assertTrue(UUID.matcher(idOf(badKey)).matches());

        String reader = key("{\"name\":\"reader\",\"scopes\":[\"llm.read\"]}");
        HttpResponse<String> forbidden = chat(CHAT, reader, "refused-2");
        assertEquals(403, forbidden.statusCode());
        assertEquals("refused-2", idOf(forbidden));

        String limited = key("{\"name\":\"once\",\"scopes\":[\"llm.invoke\"],\"rpm_limit\":1}");
        good.replyJson(200, ANSWER);
        assertEquals(200, chat(CHAT, limited, null).statusCode());
        good.take();
        HttpResponse<String> limitedOut = chat(CHAT, limited, "refused-3 bad");
        assertEquals(429, limitedOut.statusCode());
        assertTrue(UUID.matcher(idOf(limitedOut)).matches());

        HttpResponse<String> alias = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/llm/providers")))
                .header(RequestIds.HEADER, "alias-id").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, alias.statusCode(), "the admin API's second mount");
        assertEquals("alias-id", idOf(alias), "a rerouted request keeps its id");
        for (String path : new String[] {"/v1/no-such-endpoint", "/nothing-here", "/observe/metrics-nope"}) {
            HttpResponse<String> missing = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                    .header(RequestIds.HEADER, "path-id").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode(), path);
            assertEquals("path-id", idOf(missing), path);
        }
        HttpResponse<String> wrongMethod = gateway.get("/v1/chat/completions");
        assertEquals(405, wrongMethod.statusCode());
        assertTrue(UUID.matcher(idOf(wrongMethod)).matches());
        assertTrue(UUID.matcher(idOf(gateway.get("/llm/providers"))).matches(), "the admin API's answers too");
        assertTrue(UUID.matcher(idOf(gateway.get("/health"))).matches(), "the health answer too");
    }

    @Test
    void inJvmCallersGiveAndGetTheIdInLlmRequestId() throws Exception {
        good.replyJson(200, ANSWER);
        ProducerTemplate template = gateway.camelContext().createProducerTemplate();
        try {
            Exchange given = template.request("direct:llm-chat-completions", exchange -> {
                exchange.getMessage().setBody(CHAT);
                exchange.getMessage().setHeader(InJvmChatRequest.REQUEST_ID, "jvm-id-5");
            });
            assertEquals(200, given.getMessage().getHeader("LlmStatus"), String.valueOf(given.getException()));
            assertEquals("jvm-id-5", given.getMessage().getHeader(InJvmChatRequest.REQUEST_ID));
            assertEquals("jvm-id-5", good.take().header(RequestIds.HEADER));

            Exchange made = template.request("direct:llm-chat-completions", exchange -> exchange.getMessage().setBody(CHAT));
            String id = made.getMessage().getHeader(InJvmChatRequest.REQUEST_ID, String.class);
            assertTrue(id != null && UUID.matcher(id).matches(), "made when absent: " + id);
            assertEquals(id, good.take().header(RequestIds.HEADER));

            Exchange failed = template.request("direct:llm-chat-completions", exchange -> {
                exchange.getMessage().setBody(CHAT.replace("\"m\"", "\"no-such-model\""));
                exchange.getMessage().setHeader(InJvmChatRequest.REQUEST_ID, "jvm-id-6");
            });
            assertFalse(failed.getException() == null, "an unknown model fails the call");
            assertEquals("jvm-id-6", failed.getMessage().getHeader(InJvmChatRequest.REQUEST_ID),
                    "a failed call tells its id too");
        } finally {
            template.stop();
        }
    }

    private static String key(String body) throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("key").asText();
    }
}
