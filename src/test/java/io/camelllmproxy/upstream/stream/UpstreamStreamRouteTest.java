package io.camelllmproxy.upstream.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.UpstreamRequest;
import io.camelllmproxy.transform.WireTransformer;
import io.camelllmproxy.upstream.StreamedBody;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The route {@code llm-upstream-stream} in the running gateway answers like {@code llm-upstream-call}: the same
 * request reaches the provider (key included), and every failure, the provider's error answers included, becomes
 * the same client error, so a stream moved to the non-blocking client changes nothing a client can see.
 */
class UpstreamStreamRouteTest {

    private static final String KEY = "sk-parity-0123456789";
    private static final String CHAT = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"é x\"}]}";
    private static final List<String> ROUTES = List.of("direct:llm-upstream-call", "direct:llm-upstream-stream");

    private static FakeUpstream upstream;
    private static GatewayHarness gateway;
    private static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        UpstreamAddressPolicy.HostResolver resolver = host -> switch (host) {
            case "rebound.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            default -> InetAddress.getAllByName(host);
        };
        gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(), KEY, null,
                        "{model_id: m, model_name: M}"),
                Map.of("llm.upstream.read-timeout-ms", "3000"), Map.of("llm-upstream-host-resolver", resolver));
        template = gateway.camelContext().createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void theProviderGetsTheSameRequestFromBothClients() throws Exception {
        upstream.replyJson(200, "{\"id\":\"x\"}");
        Map<String, FakeUpstream.Received> received = new LinkedHashMap<>();
        for (String route : ROUTES) {
            upstream.clearReceived();
            Exchange exchange = call(route, upstream.baseUrl() + "/chat/completions");
            assertNull(exchange.getException(), route);
            assertEquals(200, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class), route);
            received.put(route, upstream.take());
            Object body = exchange.getMessage().getBody();
            if (body instanceof StreamedBody streamed) {
                streamed.abort();
            } else if (body instanceof InputStream in) {
                in.close();
            }
        }
        FakeUpstream.Received camelHttp = received.get(ROUTES.get(0));
        FakeUpstream.Received streaming = received.get(ROUTES.get(1));
        assertEquals("Bearer " + KEY, streaming.header("Authorization"));
        assertEquals(camelHttp.header("Authorization"), streaming.header("Authorization"));
        assertEquals(camelHttp.path(), streaming.path());
        assertEquals(camelHttp.method(), streaming.method());
        assertEquals(camelHttp.body(), streaming.body(), "the same bytes, UTF-8");
        assertEquals(camelHttp.header("Content-Type").replace(" ", "").toLowerCase(java.util.Locale.ROOT),
                streaming.header("Content-Type").replace(" ", "").toLowerCase(java.util.Locale.ROOT));
        assertNull(streaming.header("X-Llm-Credential"));
    }

    @Test
    void aProvidersErrorAnswerIsTheSameClientError() throws Exception {
        upstream.reply(new FakeUpstream.Json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                + "\"code\":\"rate_limit_exceeded\"}}", Map.of("x-ratelimit-remaining-requests", "0", "retry-after", "3")));
        assertSameError(upstream.baseUrl() + "/chat/completions", 429, "rate_limit_exceeded");
        upstream.reply(new FakeUpstream.Json(302, "", Map.of("Location", "http://elsewhere.test/")));
        assertSameError(upstream.baseUrl() + "/chat/completions", 502, "upstream_redirect");
    }

    @Test
    void aHeadBeyondTheLimitsIsTheSameClientError() throws Exception {
        upstream.reply(new FakeUpstream.Json(200, "{}", Map.of("x-long", "a".repeat(17 * 1024))));
        assertSameError(upstream.baseUrl() + "/chat/completions", 502, "upstream_protocol_error");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 130; i++) {
            many.put("x-header-" + i, "v");
        }
        upstream.reply(new FakeUpstream.Json(200, "{}", many));
        assertSameError(upstream.baseUrl() + "/chat/completions", 502, "upstream_protocol_error");
    }

    @Test
    void transportFailuresAreTheSameClientErrors() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertSameError("http://127.0.0.1:" + closed + "/v1/chat/completions", 502, "upstream_unreachable");
        assertSameError("http://rebound.test:" + closed + "/v1/chat/completions", 502, "upstream_unreachable");
        assertSameError("http://no-such-host.invalid/v1/chat/completions", 502, "upstream_unreachable");
        upstream.reply(new FakeUpstream.Silence());
        assertSameError(upstream.baseUrl() + "/chat/completions", 504, "upstream_timeout");
    }

    @Test
    void aProviderWhoseCertificateIsNotTrustedIsTheSameTlsError() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpServer tls = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
                    .setKeyCertOptions(new io.vertx.core.net.PfxOptions().setPath(selfSignedKeyStore().toString())
                            .setPassword("changeit"))).requestHandler(r -> r.response().end("{}"));
            tls.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertSameError("https://localhost:" + tls.actualPort() + "/v1/chat/completions", 502, "upstream_tls_error");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A key store holding a certificate for localhost that no trust store knows, made with the JDK's keytool. */
    private static java.nio.file.Path selfSignedKeyStore() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("llm-proxy-tls");
        java.nio.file.Path store = dir.resolve("provider.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "provider", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        return store;
    }

    private static void assertSameError(String url, int status, String code) {
        OpenAiError camelHttp = error(ROUTES.get(0), url);
        OpenAiError streaming = error(ROUTES.get(1), url);
        assertEquals(status, camelHttp.status(), camelHttp.toString());
        assertEquals(code, camelHttp.code(), camelHttp.toString());
        assertEquals(camelHttp, streaming);
    }

    private static OpenAiError error(String route, String url) {
        Exchange exchange = call(route, url);
        assertNotNull(exchange.getException(), route + " failed");
        return ErrorMapping.toOpenAi(exchange.getException(), "p");
    }

    /** The call as the stream route makes it: the model resolved, its transformer's request for {@code url}. */
    private static Exchange call(String route, String url) {
        return template.send(route, exchange -> {
            ModelTarget target = gateway.camelContext().getRegistry().lookupByNameAndType("llm-model-resolver",
                    ModelResolver.class).resolve("m");
            WireTransformer transformer = gateway.camelContext().getRegistry().lookupByNameAndType("llm-openai-transformer",
                    WireTransformer.class);
            UpstreamRequest built = transformer.request((ObjectNode) Json.MAPPER.readTree(CHAT), target);
            exchange.setVariable(ExchangeKeys.TARGET, target);
            exchange.setVariable(ExchangeKeys.TRANSFORMER, transformer);
            exchange.setVariable(ExchangeKeys.UPSTREAM_REQUEST, new UpstreamRequest(url, built.headers(), built.body()));
        });
    }
}
