package io.camelllmproxy.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's routes call the gateway through direct:llm-chat-completions (and kamelet:llm-chat): its YAML routes
 * (test resources routes/host-llm-calls.camel.yaml) and the Java DSL routes below, plain, streamed and failing,
 * from non-HTTP routes and from a host platform-http route, with the caller's exchange left as it was.
 */
class InJvmChatTest {

    private static final String PROVIDER_KEY = "sk-in-jvm-provider-secret-0123";
    private static final String REQUEST = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM_REQUEST = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m-id\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    static final BlockingQueue<String> CHUNKS = new LinkedBlockingQueue<>();
    static final BlockingQueue<Exchange> FINISHED = new LinkedBlockingQueue<>();

    static FakeUpstream upstream;
    static CamelHost host;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        host = CamelHost.start("providers:\n" + provider("p", "openai_compatible", upstream.baseUrl(), PROVIDER_KEY, null,
                "{model_id: m, model_name: M}", "{model_id: fast, model_name: Fast}"), Map.of(), new JavaCallerRoutes());
        template = host.camelContext().createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        host.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        CHUNKS.clear();
        FINISHED.clear();
        upstream.clearReceived();
    }

    /** The Java DSL routes of the host. */
    static final class JavaCallerRoutes extends RouteBuilder {
        @Override
        public void configure() {
            from("direct:java-chat").routeId("host-java-chat")
                    .onException(GatewayException.class).handled(true)
                        .setVariable("onException", simple("${exception.error.status} ${exception.error.code}"))
                    .end()
                    .to("direct:llm-chat-completions")
                    .setVariable("afterCall", header("LlmStatus"));

            from("direct:java-stream").routeId("host-java-stream")
                    .doTry()
                        .to("direct:llm-chat-completions")
                        .split(body()).streaming()
                            .to("direct:host-chunks")
                        .end()
                        .setVariable("afterCall", header("LlmStatus"))
                    .endDoTry()
                    .doCatch(GatewayException.class)
                        .setVariable("caught", simple("${exception.error.status} ${exception.error.type} ${exception.error.code}"))
                    .end();

            // a timer (no HTTP anywhere) asking for a stream; started by the test once the upstream is scripted
            from("timer:host-timer-stream?repeatCount=1").routeId("host-timer-stream").autoStartup(false)
                    .setBody(constant(STREAM_REQUEST))
                    .to("direct:llm-chat-completions")
                    .split(body()).streaming()
                        .to("direct:host-chunks")
                    .end()
                    .process(exchange -> FINISHED.add(exchange.copy()));

            // reads one chunk and leaves the rest: the call must end with the exchange
            from("direct:java-abandon").routeId("host-java-abandon")
                    .to("direct:llm-chat-completions")
                    .process(exchange -> exchange.setVariable("first", exchange.getMessage().getBody(Iterator.class).next()));

            from("direct:java-kamelet").routeId("host-java-kamelet")
                    .to("kamelet:llm-chat?model=fast");

            from("direct:host-chunks").routeId("host-chunks")
                    .process(exchange -> CHUNKS.add(exchange.getMessage().getBody(String.class)));
        }
    }

    static List<String> chunks(int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"tok" + i + "\"},\"finish_reason\":null}]}").toList();
    }

    /** An exchange carrying state named like the gateway's own, which must come back untouched. */
    private static Exchange callerExchange(String body) {
        Exchange exchange = new DefaultExchange(host.camelContext());
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("stream", "caller-stream-header");
        exchange.getMessage().setHeader("target", "caller-target-header");
        exchange.getMessage().setHeader("Authorization", "Bearer caller-own-token");
        exchange.getMessage().setHeader("Content-Type", "text/plain");
        exchange.setVariable("stream", "caller-stream");
        exchange.setVariable("target", "caller-target");
        exchange.setVariable("upstreamRequest", "caller-upstream-request");
        exchange.setVariable("transformer", "caller-transformer");
        exchange.setVariable("apiKeyIdentity", "caller-identity");
        return exchange;
    }

    private static final Map<String, Object> CALLER_HEADERS = Map.of("stream", "caller-stream-header",
            "target", "caller-target-header", "Authorization", "Bearer caller-own-token", "Content-Type", "text/plain");
    private static final Map<String, Object> CALLER_VARIABLES = Map.of("stream", "caller-stream", "target", "caller-target",
            "upstreamRequest", "caller-upstream-request", "transformer", "caller-transformer", "apiKeyIdentity", "caller-identity");

    /** The caller's headers and variables are its own plus the documented outputs; the provider key is nowhere. */
    private static void assertCallerUntouched(Exchange exchange, Map<String, Object> outputHeaders, Map<String, Object> setByRoute) {
        Map<String, Object> headers = new HashMap<>(CALLER_HEADERS);
        headers.putAll(outputHeaders);
        // every call, answered or failed, tells the caller its request id (made here: the caller sent none)
        Object requestId = exchange.getMessage().getHeader(InJvmChatRequest.REQUEST_ID);
        assertTrue(requestId instanceof String id && id.matches("[0-9a-f-]{36}"), "LlmRequestId: " + requestId);
        headers.put(InJvmChatRequest.REQUEST_ID, requestId);
        assertEquals(headers, exchange.getMessage().getHeaders());
        Map<String, Object> variables = new HashMap<>(CALLER_VARIABLES);
        variables.putAll(setByRoute);
        assertEquals(variables, exchange.getVariables());
        assertNoProviderKey(exchange);
    }

    private static void assertNoProviderKey(Exchange exchange) {
        String everything = exchange.getMessage().getHeaders() + " " + exchange.getVariables() + " "
                + exchange.getAllProperties() + " " + exchange.getMessage().getBody();
        assertFalse(everything.contains(PROVIDER_KEY), everything);
        assertFalse(everything.contains(PROVIDER_KEY.substring(3)), everything);
    }

    @Test
    void aYamlRouteGetsTheCompletionAsAStringAndItsOwnStateBack() throws Exception {
        upstream.replyJson(200, COMPLETION);
        Exchange exchange = template.send("direct:host-yaml-chat", callerExchange(REQUEST));

        assertNull(exchange.getException());
        String body = exchange.getMessage().getBody(String.class);
        assertInstanceOf(String.class, exchange.getMessage().getBody());
        assertEquals("hello", Json.MAPPER.readTree(body).at("/choices/0/message/content").asText());
        assertCallerUntouched(exchange, Map.of("LlmStatus", 200), Map.of("afterCall", 200));
        FakeUpstream.Received received = upstream.take();
        assertEquals("Bearer " + PROVIDER_KEY, received.header("Authorization"), "the caller's Authorization never reaches the provider");
        assertEquals("m", Json.MAPPER.readTree(received.body()).get("model").asText());
    }

    @Test
    void aJavaRouteSendsAMapAndLlmModelOverridesTheModel() throws Exception {
        upstream.replyJson(200, COMPLETION);
        Map<String, Object> request = Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "hi")));
        Object answer = template.requestBodyAndHeader("direct:java-chat", request, "LlmModel", "fast");

        assertEquals("chat.completion", Json.MAPPER.readTree((String) answer).get("object").asText());
        assertEquals("fast", Json.MAPPER.readTree(upstream.take().body()).get("model").asText());
    }

    @Test
    void aYamlRouteCatchesTheGatewayExceptionWithStatusAndCode() throws Exception {
        Exchange unknown = template.send("direct:host-yaml-chat", callerExchange(REQUEST.replace("\"m\"", "\"nope\"")));
        assertNull(unknown.getException(), "the caller's doCatch handled it");
        assertCallerUntouched(unknown, Map.of(), Map.of("caught", "404 invalid_request_error model_not_found"));

        upstream.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"slow down " + PROVIDER_KEY + "\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "7")));
        Exchange limited = template.send("direct:host-yaml-chat", callerExchange(REQUEST));
        String caught = limited.getVariable("caught", String.class);
        assertNotNull(caught);
        assertTrue(caught.startsWith("429 "), caught);
        assertNoProviderKey(limited);
        upstream.take();

        Exchange invalid = template.send("direct:host-yaml-chat", callerExchange("{\"model\":\"m\"}"));
        assertEquals("400 invalid_request_error", invalid.getVariable("caught", String.class).substring(0, 25));
    }

    @Test
    void aJavaRouteOnExceptionSeesTheFailureAndTheExceptionCarriesTheError() throws Exception {
        Exchange handled = template.send("direct:java-chat", callerExchange(REQUEST.replace("\"m\"", "\"nope\"")));
        assertEquals("404 model_not_found", handled.getVariable("onException"));
        assertNull(handled.getVariable("afterCall"), "the steps after a failed call do not run");

        // without a handler of the caller's, the exchange fails with the typed exception
        Exchange failed = template.send("direct:llm-chat-completions", callerExchange("not json"));
        GatewayException exception = assertInstanceOf(GatewayException.class, failed.getException());
        assertEquals(400, exception.error().status());
        assertEquals("invalid_json", exception.error().code());
        assertEquals("invalid_request_error", exception.error().type());
        assertNotNull(exception.error().message());
    }

    @Test
    void aYamlRouteSplitsTheStreamIntoChunksAsTheProviderSendsThem() throws Exception {
        List<String> events = new ArrayList<>(chunks(5));
        events.add("[DONE]");
        upstream.reply(new FakeUpstream.Stepped(events, 20));
        CompletableFuture<Exchange> call = template.asyncSend("direct:host-yaml-stream", callerExchange(STREAM_REQUEST));

        // the provider sends each event only once the previous chunk reached the route: a buffered stream stalls
        for (int i = 0; i < 5; i++) {
            String chunk = CHUNKS.poll(30, TimeUnit.SECONDS);
            assertEquals(chunks(5).get(i), chunk, "chunk " + i);
            upstream.step();
        }
        Exchange exchange = call.get(30, TimeUnit.SECONDS);
        assertNull(exchange.getException());
        assertTrue(CHUNKS.isEmpty(), "no [DONE], nothing else: " + CHUNKS);
        assertCallerUntouched(exchange, Map.of("LlmStatus", 200), Map.of("afterCall", 200));
        upstream.take();
    }

    @Test
    void aJavaRouteSplitsTheStreamAndAFailureMidWayReachesItsDoCatch() throws Exception {
        upstream.replySse(chunks(3), 0);
        Exchange whole = template.send("direct:java-stream", callerExchange(STREAM_REQUEST));
        assertEquals(200, whole.getVariable("afterCall"));
        assertEquals(chunks(3), drain());
        upstream.take();

        upstream.reply(new FakeUpstream.Sse(chunks(5), 20, 2));
        Exchange cut = template.send("direct:java-stream", callerExchange(STREAM_REQUEST));
        assertEquals("502 upstream_error upstream_connection_error", cut.getVariable("caught"));
        assertEquals(chunks(5).subList(0, 2), drain(), "the chunks before the failure were relayed");
        assertCallerUntouched(cut, Map.of("LlmStatus", 200), Map.of("caught", "502 upstream_error upstream_connection_error"));
        upstream.take();
    }

    @Test
    void anErrorTheProviderSendsInBandEndsTheIteratorWithItsException() throws Exception {
        String error = "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded\"}}";
        upstream.replySse(List.of(chunks(1).get(0), error), 0);
        Exchange exchange = template.send("direct:java-stream", callerExchange(STREAM_REQUEST));
        assertEquals("502 server_error overloaded", exchange.getVariable("caught"));
        assertEquals(chunks(1), drain());
        upstream.take();
    }

    @Test
    void aTimerRouteStreamsWithoutAnyHttpResponse() throws Exception {
        upstream.replySse(chunks(4), 5);
        host.camelContext().getRouteController().startRoute("host-timer-stream");
        Exchange finished = FINISHED.poll(30, TimeUnit.SECONDS);
        assertNotNull(finished, "the timer route ran to its end");
        assertNull(finished.getException());
        assertEquals(chunks(4), drain());
        assertNoProviderKey(finished);
        upstream.take();
    }

    @Test
    void aHostHttpRouteGetsTheStreamAndItsClientGetsTheRoutesAnswer() throws Exception {
        upstream.replySse(chunks(3), 5);
        HttpResponse<String> response = host.send("POST", "/host-llm-stream", STREAM_REQUEST, GatewayHarness.ADMIN_TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("host route relayed 200", response.body());
        assertFalse(response.headers().firstValue("content-type").orElse("").contains("event-stream"));
        assertEquals(chunks(3), drain());
        upstream.take();
    }

    @Test
    void closingTheIteratorAbortsTheProviderCall() throws Exception {
        upstream.reply(new FakeUpstream.Stepped(chunks(5), 0));
        // a ProducerTemplate caller holds the iterator beyond its exchange: closing it is its job
        Object body = template.requestBody("direct:llm-chat-completions", STREAM_REQUEST);
        @SuppressWarnings("unchecked")
        Iterator<String> stream = (Iterator<String>) body;
        assertEquals(chunks(5).get(0), stream.next());
        ((AutoCloseable) stream).close();
        assertTrue(upstream.awaitStreamCut(30_000), "the provider's connection was dropped");
        assertNull(stream.next(), "the end, once");
        assertFalse(stream.hasNext());
        upstream.take();
    }

    @Test
    void anIteratorTheRouteAbandonsIsClosedWhenItsExchangeCompletes() throws Exception {
        upstream.reply(new FakeUpstream.Stepped(chunks(5), 0));
        Exchange exchange = template.send("direct:java-abandon", callerExchange(STREAM_REQUEST));
        assertEquals(chunks(5).get(0), exchange.getVariable("first"));
        assertTrue(upstream.awaitStreamCut(30_000), "the provider's connection was dropped with the exchange");
        assertFalse(upstream.streamFinished());
        upstream.take();
    }

    @Test
    void aGatewayKeyInLlmApiKeyHoldsTheCallToItsScopeAndLimits() throws Exception {
        String limited = createKey("{\"name\":\"in-jvm-limited\",\"scopes\":[\"llm.invoke\"],\"rpm_limit\":1}");
        upstream.replyJson(200, COMPLETION);
        Exchange first = template.send("direct:host-yaml-chat", withHeader(callerExchange(REQUEST), "LlmApiKey", limited));
        assertEquals(200, first.getVariable("afterCall"), String.valueOf(first.getVariable("caught")));
        assertNull(first.getMessage().getHeader("LlmApiKey"), "the gateway key is consumed by the call, never sent on by a later step");
        upstream.take();

        Exchange second = template.send("direct:host-yaml-chat", withHeader(callerExchange(REQUEST), "LlmApiKey", limited));
        assertEquals("429 rate_limit_error rate_limit_exceeded", second.getVariable("caught"));
        Exchange third = template.send("direct:llm-chat-completions", withHeader(callerExchange(REQUEST), "LlmApiKey", limited));
        GatewayException exception = assertInstanceOf(GatewayException.class, third.getException());
        assertEquals(429, exception.error().status());
        assertNotNull(exception.error().headers().get("Retry-After"));

        Exchange wrong = template.send("direct:host-yaml-chat", withHeader(callerExchange(REQUEST), "LlmApiKey", "sk-not-a-key"));
        assertEquals("401 invalid_request_error invalid_api_key", wrong.getVariable("caught"));

        String readOnly = createKey("{\"name\":\"in-jvm-read\",\"scopes\":[\"llm.read\"]}");
        Exchange forbidden = template.send("direct:host-yaml-chat", withHeader(callerExchange(REQUEST), "LlmApiKey", readOnly));
        assertEquals("403 permission_error insufficient_scope", forbidden.getVariable("caught"));
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void theKameletCallsTheGatewayWithItsModelAndLeavesNoHeaderBehind() throws Exception {
        upstream.replyJson(200, COMPLETION);
        Exchange exchange = template.send("direct:java-kamelet", callerExchange(REQUEST));
        assertNull(exchange.getException());
        assertEquals("chat.completion", Json.MAPPER.readTree(exchange.getMessage().getBody(String.class)).get("object").asText());
        assertEquals("fast", Json.MAPPER.readTree(upstream.take().body()).get("model").asText());
        assertCallerUntouched(exchange, Map.of("LlmStatus", 200), Map.of());

        Exchange failed = template.send("direct:java-kamelet", callerExchange("{}"));
        GatewayException exception = assertInstanceOf(GatewayException.class, failed.getException());
        assertEquals(400, exception.error().status());
        assertFalse(failed.getMessage().getHeaders().containsKey("LlmModel"));
    }

    @Test
    void theKameletsApiKeyParameterHoldsTheCallToThatKey() throws Exception {
        String limited = createKey("{\"name\":\"kamelet-limited\",\"scopes\":[\"llm.invoke\"],\"rpm_limit\":1}");
        upstream.replyJson(200, COMPLETION);
        Exchange first = template.send("kamelet:llm-chat?apiKey=" + limited, callerExchange(REQUEST));
        assertNull(first.getException());
        assertCallerUntouched(first, Map.of("LlmStatus", 200), Map.of());
        upstream.take();

        Exchange second = template.send("kamelet:llm-chat?apiKey=" + limited, callerExchange(REQUEST));
        GatewayException exception = assertInstanceOf(GatewayException.class, second.getException());
        assertEquals(429, exception.error().status());
        assertFalse(second.getMessage().getHeaders().containsKey("LlmApiKey"), "removed after the call, failed or not");
        assertTrue(upstream.receivedNothing());
    }

    private static Exchange withHeader(Exchange exchange, String name, String value) {
        exchange.getMessage().setHeader(name, value);
        return exchange;
    }

    private static String createKey(String body) throws Exception {
        HttpResponse<String> created = host.send("POST", CamelHost.CONTEXT_PATH + "/llm/keys", body, GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode key = Json.MAPPER.readTree(created.body());
        return key.get("key").asText();
    }

    private static List<String> drain() {
        List<String> drained = new ArrayList<>();
        CHUNKS.drainTo(drained);
        return drained;
    }
}
