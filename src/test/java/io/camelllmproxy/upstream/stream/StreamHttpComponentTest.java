package io.camelllmproxy.upstream.stream;

import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.ErrorMapping;
import io.camelllmproxy.http.RequestBodyBudget;
import io.camelllmproxy.security.CredentialScheme;
import io.camelllmproxy.security.ForbiddenAddressException;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.stream.ClientGoneException;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.upstream.StreamedBody;
import io.camelllmproxy.upstream.UpstreamCredentials;
import io.camelllmproxy.upstream.UpstreamStatusCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code llm-stream-http} driven from a one-step route against providers over loopback: the body streams as the
 * provider sends it, the key reaches the provider and nothing else, the address policy and the transport failures
 * give the client errors the camel-http path gives, a client that leaves closes the provider's connection, an
 * error answer comes back as bounded bytes, and a provider's idle close costs no request.
 */
class StreamHttpComponentTest {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final String CHAT = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final StreamHttpSettings SETTINGS = new StreamHttpSettings(10_000, 60_000, 10_000, 10, 128,
            16 * 1024, 60_000);

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void theBodyIsHandedOverPausedAndStreamsAsTheProviderSendsIt() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Stepped(List.of("a", "b", "c"), 0));
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        assertNull(exchange.getException());
        assertEquals(200, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        assertEquals("text/event-stream", exchange.getMessage().getHeader(Exchange.CONTENT_TYPE));
        StreamedBody body = assertInstanceOf(StreamedBody.class, exchange.getMessage().getBody());
        Reader reader = new Reader(body);
        reader.fetchOneAtATime();
        await().atMost(GENEROUS).until(() -> reader.text().contains("data: a"));
        // the provider sends "b" only when stepped: what was read so far came before it was sent
        assertFalse(reader.text().contains("data: b"), reader.text());
        assertEquals(1, upstream.sentAtNanos().size());
        upstream.step();
        await().atMost(GENEROUS).until(() -> reader.text().contains("data: b"));
        assertFalse(reader.text().contains("data: c"), reader.text());
        upstream.step();
        reader.ended.get(30, TimeUnit.SECONDS);
        assertTrue(reader.text().contains("data: c"), reader.text());
        assertNull(reader.failure.getNow(null));
    }

    @Test
    void calledFromAWorkerOfAnEventLoopContextTheAnswerArrivesOnThatEventLoop() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Stepped(List.of("a"), 0));
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);
        // as under the gateway's workers: a blocking step on a worker whose current context is an event loop's
        io.vertx.core.Context context = rig.vertx.getOrCreateContext();
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        context.runOnContext(v -> loop.complete(Thread.currentThread()));
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        CompletableFuture<Exchange> reached = new CompletableFuture<>();
        context.executeBlocking(() -> {
            caller.complete(Thread.currentThread());
            return rig.callHere(upstream.baseUrl() + "/chat/completions", reached);
        });
        Exchange exchange = reached.get(30, TimeUnit.SECONDS);
        assertTrue(caller.get() != loop.get(30, TimeUnit.SECONDS), "the call was made off the event loop");

        CompletableFuture<Thread> delivered = new CompletableFuture<>();
        StreamedBody body = (StreamedBody) exchange.getMessage().getBody();
        body.stream().handler(chunk -> delivered.complete(Thread.currentThread()));
        body.stream().resume();
        assertEquals(loop.get(), delivered.get(30, TimeUnit.SECONDS), "the body is read on the caller's event loop");
    }

    @Test
    void aProviderSilentMidStreamWhileTheReaderWaitsIsTheReadTimeout() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Stepped(List.of("a", "b"), 0));
        Rig rig = rig(new UpstreamAddressPolicy(true), new StreamHttpSettings(10_000, 300, 10_000, 10, 128, 16 * 1024, 60_000));

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);
        Reader reader = new Reader((StreamedBody) exchange.getMessage().getBody());
        reader.fetchOneAtATime();

        // the provider is never stepped past "a": the reader waits for more, and the provider stays silent
        Throwable failure = reader.failure.get(30, TimeUnit.SECONDS);
        assertInstanceOf(SocketTimeoutException.class, failure);
        assertEquals("upstream_timeout", ErrorMapping.toOpenAi(failure, "p").code());
        assertTrue(reader.text().contains("data: a"), reader.text());
        assertTrue(upstream.awaitStreamCut(30_000), "the provider's connection was closed");
    }

    @Test
    void aBodyNotReadWhenItsExchangeCompletesIsAborted() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Stepped(List.of("a", "b"), 0));
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);
        assertInstanceOf(StreamedBody.class, exchange.getMessage().getBody());
        rig.release();

        assertTrue(upstream.awaitStreamCut(30_000), "the provider's connection was closed, not left paused");
        assertFalse(upstream.streamFinished());
    }

    @Test
    void theKeyReachesTheProviderAndNeverTheMessage() throws Exception {
        FakeUpstream upstream = fake();
        upstream.replyJson(200, "{}");
        Map<String, ProviderCredential> keys = Map.of("p1", ProviderCredential.of("sk-stream-secret-42"));
        Rig rig = rig(new UpstreamAddressPolicy(true), keys, SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions",
                Map.of(UpstreamCredentials.REFERENCE, UpstreamCredentials.reference(CredentialScheme.BEARER, "p1")), null);

        FakeUpstream.Received received = upstream.take();
        assertEquals("Bearer sk-stream-secret-42", received.header("Authorization"));
        assertNull(received.header(UpstreamCredentials.REFERENCE), "the reference is never sent");
        assertEquals("application/json", received.header("Content-Type"));
        assertEquals(CHAT, received.body());
        assertNull(exchange.getException());
        String everything = exchange.getMessage().getHeaders() + " " + exchange.getProperties() + " "
                + exchange.getVariables();
        assertFalse(everything.contains("sk-stream-secret-42"), everything);
        ((StreamedBody) exchange.getMessage().getBody()).abort();
    }

    @Test
    void aRemovedProviderFailsBeforeAnythingIsSent() throws Exception {
        FakeUpstream upstream = fake();
        Rig rig = rig(new UpstreamAddressPolicy(true), Map.of(), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions",
                Map.of(UpstreamCredentials.REFERENCE, UpstreamCredentials.reference(CredentialScheme.BEARER, "gone")), null);

        assertEquals("provider_removed", ErrorMapping.toOpenAi(exchange.getException()).code());
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void theConnectionGoesToThePolicyApprovedAddressWithTheUrlsHost() throws Exception {
        FakeUpstream upstream = fake();
        upstream.replyJson(200, "{}");
        int port = java.net.URI.create(upstream.baseUrl()).getPort();
        UpstreamAddressPolicy policy = new UpstreamAddressPolicy(true, host -> switch (host) {
            case "provider.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "rebound.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            default -> throw new UnknownHostException(host);
        });
        Rig rig = rig(policy, SETTINGS);

        Exchange served = rig.call("http://provider.test:" + port + "/v1/chat/completions", Map.of(), null);
        assertNull(served.getException());
        assertEquals("provider.test:" + port, upstream.take().header("Host"));
        ((StreamedBody) served.getMessage().getBody()).abort();

        Exchange refused = rig.call("http://rebound.test:" + port + "/v1/chat/completions", Map.of(), null);
        ForbiddenAddressException forbidden = assertInstanceOf(ForbiddenAddressException.class, refused.getException());
        assertEquals("169.254.169.254", forbidden.address());
        OpenAiError error = ErrorMapping.toOpenAi(refused.getException(), "p");
        assertEquals(502, error.status());
        assertEquals("upstream_unreachable", error.code());
        assertFalse(error.message().contains("169.254"), error.message());
        assertTrue(upstream.receivedNothing(), "nothing was sent to the refused address");
    }

    @Test
    void aPrivateAddressIsRefusedWhenPrivateNetworksAreOff() throws Exception {
        FakeUpstream upstream = fake();
        Rig rig = rig(new UpstreamAddressPolicy(false), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        assertInstanceOf(ForbiddenAddressException.class, exchange.getException());
        assertEquals("upstream_unreachable", ErrorMapping.toOpenAi(exchange.getException()).code());
        assertTrue(upstream.receivedNothing());
    }

    @Test
    void aRefusedConnectionIsTheUnreachableError() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

        Exchange exchange = rig.call("http://127.0.0.1:" + port + "/v1/chat/completions", Map.of(), null);

        OpenAiError error = ErrorMapping.toOpenAi(exchange.getException(), "p");
        assertEquals(502, error.status());
        assertEquals("upstream_unreachable", error.code());
        assertTrue(error.message().endsWith("connection refused"), error.message());
        assertFalse(String.valueOf(exchange.getException().getMessage()).contains(String.valueOf(port)),
                exchange.getException().getMessage());
    }

    @Test
    void aProviderSilentPastTheReadTimeoutIsTheTimeoutError() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Silence());
        Rig rig = rig(new UpstreamAddressPolicy(true), new StreamHttpSettings(10_000, 300, 10_000, 10, 128, 16 * 1024, 60_000));

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        assertInstanceOf(SocketTimeoutException.class, exchange.getException());
        OpenAiError error = ErrorMapping.toOpenAi(exchange.getException(), "p");
        assertEquals(504, error.status());
        assertEquals("upstream_timeout", error.code());
        await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 1);
    }

    @Test
    void everyConnectionInUsePastThePoolTimeoutIsThePoolExhaustedError() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Stepped(List.of("a", "b"), 0));
        Rig rig = rig(new UpstreamAddressPolicy(true), new StreamHttpSettings(500, 60_000, 500, 1, 128, 16 * 1024, 60_000));

        Exchange holding = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);
        assertNull(holding.getException());
        Exchange waiting = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        OpenAiError error = ErrorMapping.toOpenAi(waiting.getException(), "p");
        assertEquals(503, error.status());
        assertEquals("upstream_pool_exhausted", error.code());
        ((StreamedBody) holding.getMessage().getBody()).abort();
    }

    @Test
    void aClientLeavingWhileTheProviderThinksClosesTheProvidersConnection() throws Exception {
        FakeUpstream upstream = fake();
        upstream.reply(new FakeUpstream.Silence());
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);
        ClientFacingServer server = new ClientFacingServer(rig, upstream.baseUrl() + "/chat/completions");
        open.add(server);

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client.getOutputStream().write("GET /chat HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            upstream.take();
            assertEquals(0, upstream.closedConnections(), "the provider holds the call, waiting to answer");
        }

        await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 1);
        Exchange exchange = server.exchange.get(30, TimeUnit.SECONDS);
        assertInstanceOf(ClientGoneException.class, exchange.getException());
        assertNull(ErrorMapping.toOpenAi(exchange.getException()), "nobody is left to answer");
    }

    @Test
    void anErrorAnswerComesBackAsItsBytesWithItsHeaders() throws Exception {
        FakeUpstream upstream = fake();
        String body = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}";
        upstream.reply(new FakeUpstream.Json(429, body, Map.of("x-ratelimit-remaining-requests", "0", "Retry-After", "7")));
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        assertNull(exchange.getException());
        assertEquals(429, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        assertEquals("Too Many Requests", exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_TEXT));
        assertEquals("0", exchange.getMessage().getHeader("x-ratelimit-remaining-requests"));
        assertEquals("7", exchange.getMessage().getHeader("Retry-After"));
        assertEquals("application/json", exchange.getMessage().getHeader(Exchange.CONTENT_TYPE));
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), exchange.getMessage().getBody(byte[].class));
    }

    @Test
    void anErrorAnswerLargerThanTheBoundIsCutAndItsConnectionClosed() throws Exception {
        FakeUpstream upstream = fake();
        String piece = "x".repeat(16 * 1024);
        List<String> pieces = java.util.Collections.nCopies(8, piece);
        upstream.reply(new FakeUpstream.Raw(500, "text/plain", pieces, 1));
        Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

        Exchange exchange = rig.call(upstream.baseUrl() + "/chat/completions", Map.of(), null);

        assertNull(exchange.getException());
        byte[] read = exchange.getMessage().getBody(byte[].class);
        assertEquals(UpstreamStatusCheck.MAX_ERROR_BODY, read.length);
        await().atMost(GENEROUS).until(() -> upstream.closedConnections() >= 1);
    }

    @Test
    void aPooledConnectionTheProviderClosedIsReplacedAndTheRequestSentAgain() throws Exception {
        try (ClosingProvider provider = new ClosingProvider()) {
            Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

            Exchange first = rig.call(provider.baseUrl() + "/chat/completions", Map.of(), null);
            assertNull(first.getException());
            assertEquals("data: 1\n\n", new Reader((StreamedBody) first.getMessage().getBody()).readAll());
            assertEquals(1, provider.connections());

            provider.closeNextWithoutAnswer();
            Exchange second = rig.call(provider.baseUrl() + "/chat/completions", Map.of(), null);
            assertNull(second.getException(), () -> String.valueOf(second.getException()));
            assertEquals("data: 3\n\n", new Reader((StreamedBody) second.getMessage().getBody()).readAll());
            assertEquals(3, provider.requests(), "the second request reached the provider twice: dropped, then sent again");
            assertEquals(2, provider.connections(), "the resend went out on a new connection");
        }
    }

    @Test
    void aNewConnectionClosedWithoutAnswerIsNotSentAgain() throws Exception {
        try (ClosingProvider provider = new ClosingProvider()) {
            Rig rig = rig(new UpstreamAddressPolicy(true), SETTINGS);

            provider.closeNextWithoutAnswer();
            Exchange exchange = rig.call(provider.baseUrl() + "/chat/completions", Map.of(), null);

            OpenAiError error = ErrorMapping.toOpenAi(exchange.getException(), "p");
            assertEquals(502, error.status());
            assertEquals("upstream_connection_error", error.code());
            assertEquals(1, provider.requests(), "a connection that never answered was new: no idle close, no resend");
        }
    }

    private FakeUpstream fake() throws Exception {
        FakeUpstream upstream = new FakeUpstream();
        open.add(upstream);
        return upstream;
    }

    private Rig rig(UpstreamAddressPolicy policy, StreamHttpSettings settings) throws Exception {
        return rig(policy, Map.of(), settings);
    }

    private Rig rig(UpstreamAddressPolicy policy, Map<String, ProviderCredential> keys, StreamHttpSettings settings)
            throws Exception {
        Rig rig = new Rig(policy, keys, settings);
        open.add(rig);
        return rig;
    }

    /**
     * A Camel context with the component and a route that is only the call, as llm-upstream-stream makes it, then a
     * step that holds the exchange, as the stream route does while it relays, until the test released it.
     */
    private static final class Rig implements AutoCloseable {
        private static final String REACHED = "test.reached";
        final Vertx vertx = Vertx.vertx();
        final CamelContext camel = new DefaultCamelContext();
        final ProducerTemplate template;
        final List<Runnable> held = new CopyOnWriteArrayList<>();

        Rig(UpstreamAddressPolicy policy, Map<String, ProviderCredential> keys, StreamHttpSettings settings) throws Exception {
            camel.getRegistry().bind("llm-stream-http", new StreamHttpComponent(policy, keys::get, () -> vertx, settings));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:call").routeId("test-stream-call").to("llm-stream-http://upstream").process(new Hold());
                }
            });
            camel.start();
            template = camel.createProducerTemplate();
        }

        /**
         * The call as llm-upstream-call-preparer sets it up; returns the exchange once the call answered (held until
         * {@link #release()} or the rig closes) or failed.
         */
        Exchange call(String url, Map<String, Object> headers, AdmissionControl.RequestContext request) throws Exception {
            CompletableFuture<Exchange> reached = new CompletableFuture<>();
            template.asyncSend("direct:call", exchange -> prepare(exchange, url, headers, request, reached))
                    .thenAccept(reached::complete);
            return reached.get(30, TimeUnit.SECONDS);
        }

        /**
         * As {@link #call}, made on the calling thread (a route step does so), which then waits until the exchange is
         * released; {@code reached} gets the exchange once the call answered.
         */
        Exchange callHere(String url, CompletableFuture<Exchange> reached) {
            return template.send("direct:call", exchange -> prepare(exchange, url, Map.of(), null, reached));
        }

        private static void prepare(Exchange exchange, String url, Map<String, Object> headers,
                                    AdmissionControl.RequestContext request, CompletableFuture<Exchange> reached) {
            exchange.setProperty(REACHED, reached);
            exchange.getMessage().setHeader(Exchange.HTTP_URI, url);
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.POST);
            exchange.getMessage().setHeader("Content-Type", "application/json");
            headers.forEach(exchange.getMessage()::setHeader);
            exchange.getMessage().setBody(CHAT);
            if (request != null) {
                exchange.setProperty(AdmissionControl.RequestContext.PROPERTY, request);
            }
        }

        /** Lets every held exchange complete. */
        void release() {
            held.forEach(Runnable::run);
            held.clear();
        }

        @Override
        public void close() throws Exception {
            release();
            camel.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        private final class Hold extends AsyncProcessorSupport {
            @Override
            @SuppressWarnings("unchecked")
            public boolean process(Exchange exchange, AsyncCallback callback) {
                held.add(() -> callback.done(false));
                exchange.getProperty(REACHED, CompletableFuture.class).complete(exchange);
                return false;
            }
        }
    }

    /** Reads a StreamedBody on demand, one chunk per fetch, recording what it got. */
    private static final class Reader {
        final StreamedBody body;
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();

        Reader(StreamedBody body) {
            this.body = body;
        }

        void fetchOneAtATime() {
            body.stream().exceptionHandler(e -> {
                failure.complete(e);
                ended.completeExceptionally(e);
            });
            body.stream().endHandler(v -> ended.complete(null));
            body.stream().handler(chunk -> {
                text.append(chunk.toString(StandardCharsets.UTF_8));
                body.stream().fetch(1);
            });
            body.stream().fetch(1);
        }

        String readAll() throws Exception {
            fetchOneAtATime();
            ended.get(30, TimeUnit.SECONDS);
            return text();
        }

        String text() {
            return text.toString();
        }
    }

    /**
     * The gateway's client-facing side in miniature: a Vert.x server whose admission control keeps the request's
     * context, and a handler that makes the provider call with that context, as the stream route does.
     */
    private static final class ClientFacingServer implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final HttpServer server;
        final CompletableFuture<Exchange> exchange = new CompletableFuture<>();

        ClientFacingServer(Rig rig, String providerUrl) throws Exception {
            AdmissionControl admission = new AdmissionControl(10, 1024 * 1024, new RequestBodyBudget(10L * 1024 * 1024));
            Router router = Router.router(vertx);
            router.route().handler(admission).handler(ctx -> {
                AdmissionControl.RequestContext context = admission.context(ctx.response());
                // off the event loop, as the gateway's workers run the route
                CompletableFuture.runAsync(() -> {
                    try {
                        exchange.complete(rig.call(providerUrl, Map.of(), context));
                    } catch (Exception e) {
                        exchange.completeExceptionally(e);
                    }
                });
            });
            server = vertx.createHttpServer().requestHandler(router);
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A provider over plain sockets, keeping connections alive: answers each request with a short stream, except
     * the one it was told to drop, which it reads and then closes its connection without a byte of answer, as a
     * provider closing an idle connection just as the request arrives does.
     */
    private static final class ClosingProvider implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger requests = new AtomicInteger();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean dropNext;

        ClosingProvider() throws IOException {
            Thread acceptor = new Thread(this::accept, "closing-provider");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        void closeNextWithoutAnswer() {
            dropNext = true;
        }

        int requests() {
            return requests.get();
        }

        int connections() {
            return sockets.size();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    Thread connection = new Thread(() -> serve(socket), "closing-provider-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                while (readRequest(in)) {
                    int number = requests.incrementAndGet();
                    if (dropNext) {
                        dropNext = false;
                        return;
                    }
                    byte[] body = ("data: " + number + "\n\n").getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the client closed the connection
            }
        }

        /** Reads one request (head and Content-Length body); false at the end of the connection. */
        private static boolean readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            if (b < 0) {
                return false;
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
