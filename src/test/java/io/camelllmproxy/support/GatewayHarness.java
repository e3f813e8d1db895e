package io.camelllmproxy.support;

import io.camelllmproxy.LlmProxyApplication;
import org.apache.camel.main.Main;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The whole gateway as a user runs it (Camel Main, the YAML routes of ./routes, application.properties)
 * on a free port, with a fresh database, a bootstrap file written by the test, and any property overridden.
 */
public final class GatewayHarness implements AutoCloseable {

    public static final String SECRET = "test-encryption-secret";
    /** The admin token every harness gateway starts with; the request helpers send it unless told otherwise. */
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    /** The gateway's idle timeout when a test does not set {@code llm.server.idle-timeout-ms}. */
    private static final long SERVER_IDLE_TIMEOUT_MS = 60_000;
    /**
     * How long the JDK client keeps an idle connection for reuse: {@code jdk.httpclient.keepalive.timeout}
     * seconds (set below the gateway's idle timeout in the surefire configuration; the JDK's own default is
     * 1200 s).
     */
    private static final long CLIENT_KEEPALIVE_MS = Long.getLong("jdk.httpclient.keepalive.timeout", 1200) * 1000;

    private final Main main;
    private final int port;
    private final TestDatabase database;
    private final HttpClient client = newClient();
    private final boolean freshConnectionsForWrites;

    private GatewayHarness(Main main, int port, TestDatabase database, long serverIdleTimeoutMs) {
        this.main = main;
        this.port = port;
        this.database = database;
        // A pooled connection that the gateway idle-closes just as a request goes out fails that request, and the
        // JDK client resends only GET/HEAD: when the gateway may close a connection the pool still lends, every
        // other request goes out on a connection of its own.
        this.freshConnectionsForWrites = serverIdleTimeoutMs <= CLIENT_KEEPALIVE_MS;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The client for a request of {@code method}: the pooled one, unless the gateway may idle-close its connections. */
    private HttpClient client(String method) {
        boolean resentByTheClient = method.equals("GET") || method.equals("HEAD");
        return freshConnectionsForWrites && !resentByTheClient ? newClient() : client;
    }

    public static GatewayHarness start(String bootstrapYaml, Map<String, String> overrides) throws Exception {
        return start(TestDatabase.create(), bootstrapYaml, overrides, Map.of());
    }

    /** A gateway on a database the test prepared first (for example with ContextForge's own tables). */
    public static GatewayHarness start(TestDatabase database, String bootstrapYaml, Map<String, String> overrides)
            throws Exception {
        return start(database, bootstrapYaml, overrides, Map.of());
    }

    /** A gateway on a given database: a second start on the database of a stopped one is a restart. */
    public static GatewayHarness start(String bootstrapYaml, Map<String, String> overrides, TestDatabase database)
            throws Exception {
        return start(database, bootstrapYaml, overrides, Map.of());
    }

    /** As {@link #start(String, Map)}, with beans bound in the registry before the gateway configures itself. */
    public static GatewayHarness start(String bootstrapYaml, Map<String, String> overrides, Map<String, Object> beans)
            throws Exception {
        return start(TestDatabase.create(), bootstrapYaml, overrides, beans);
    }

    /** A gateway on a given database, with beans bound first (a restart with a test's clock, say). */
    public static GatewayHarness start(TestDatabase database, String bootstrapYaml, Map<String, String> overrides,
                                       Map<String, Object> beans) throws Exception {
        Path dir = Files.createTempDirectory("llm-proxy-test");
        Path bootstrap = dir.resolve("registry.yaml");
        Files.writeString(bootstrap, bootstrapYaml, StandardCharsets.UTF_8);
        int port = overrides.containsKey("camel.server.port") ? Integer.parseInt(overrides.get("camel.server.port")) : freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.server.port", String.valueOf(port));
        props.put("llm.db.url", database.url());
        props.put("llm.db.user", database.user());
        props.put("llm.db.password", database.password());
        props.put("llm.registry.bootstrap", bootstrap.toString());
        props.put("llm.registry.refresh-ms", "200");
        props.put("llm.crypto.secret", SECRET);
        props.put("llm.auth.admin.token", ADMIN_TOKEN);
        props.put("llm.crypto.secret-file", dir.resolve("secret").toString());
        props.put("camel.main.shutdownTimeout", "2");
        props.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(props);
        Main main = LlmProxyApplication.create();
        main.setOverrideProperties(properties);
        beans.forEach(main::bind);
        main.start();
        GatewayHarness harness = new GatewayHarness(main, port, database,
                props.containsKey("llm.server.idle-timeout-ms") ? Long.parseLong(props.get("llm.server.idle-timeout-ms"))
                        : SERVER_IDLE_TIMEOUT_MS);
        harness.awaitRegistry();
        return harness;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The running gateway's Camel context, for tests that look at a bean (the upstream pool, say). */
    public org.apache.camel.CamelContext camelContext() {
        return main.getCamelContext();
    }

    public TestDatabase database() {
        return database;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, ADMIN_TOKEN);
    }

    public HttpResponse<String> postJson(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return client("POST").send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any method, a JSON body or none, and the key to present (null: none). */
    public HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return client(method).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens a plain socket and sends a chat request with the admin token on it, so a test can read the answer
     * byte by byte or leave at any moment; the caller closes the socket.
     */
    public java.net.Socket openChat(String body) throws Exception {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        java.io.OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + ADMIN_TOKEN + "\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** A line of a streamed response and when it arrived. */
    public record TimedLine(long atMillis, long atNanos, String line) {
    }

    /**
     * Streams a request and stamps every line as it arrives. Bytes are read as they come (not through a
     * Reader, which would wait for more input before handing over a complete line).
     */
    public StreamedResponse postStreaming(String body) throws Exception {
        return postStreaming(body, line -> { });
    }

    /** As {@link #postStreaming(String)}, handing each line to {@code onLine} the moment it is read. */
    public StreamedResponse postStreaming(String body, java.util.function.Consumer<TimedLine> onLine) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client("POST").send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<TimedLine> lines = new ArrayList<>();
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try (java.io.InputStream in = response.body()) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                long now = System.nanoTime();
                long at = (now - start) / 1_000_000;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        TimedLine read = new TimedLine(at, now, line.toString(StandardCharsets.UTF_8));
                        lines.add(read);
                        onLine.accept(read);
                        line.reset();
                    } else {
                        line.write(chunk[i]);
                    }
                }
            }
        }
        if (line.size() > 0) {
            lines.add(new TimedLine((System.nanoTime() - start) / 1_000_000, System.nanoTime(), line.toString(StandardCharsets.UTF_8)));
        }
        return new StreamedResponse(response.statusCode(), response.headers(), lines);
    }

    public record StreamedResponse(int status, java.net.http.HttpHeaders headers, List<TimedLine> lines) {
        public List<TimedLine> dataLines() {
            return lines.stream().filter(l -> l.line().startsWith("data: ")).toList();
        }

        public List<String> data() {
            return dataLines().stream().map(l -> l.line().substring(6)).toList();
        }
    }

    /**
     * Waits until the registry snapshot has been loaded, so tests start on a served registry. The bound is
     * generous because a loaded CI machine starts a gateway many times slower than an idle one.
     */
    private void awaitRegistry() {
        org.awaitility.Awaitility.await("the gateway serves /v1/models").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).until(() -> get("/v1/models").statusCode() == 200);
    }

    /** A port nothing listens on now, for a server the test starts. */
    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }

    public static String provider(String name, String type, String apiBase, String apiKey, String extra,
                                  String... modelLines) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("  - name: ").append(name).append('\n')
                .append("    provider_type: ").append(type).append('\n')
                .append("    api_base: ").append(apiBase).append('\n');
        if (apiKey != null) {
            yaml.append("    api_key: ").append(apiKey).append('\n');
        }
        if (extra != null) {
            yaml.append(extra);
        }
        yaml.append("    models:\n");
        for (String model : modelLines) {
            yaml.append("      - ").append(model).append('\n');
        }
        return yaml.toString();
    }
}
