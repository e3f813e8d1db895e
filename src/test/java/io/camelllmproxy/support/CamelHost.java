package io.camelllmproxy.support;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.main.Main;
import org.h2.jdbcx.JdbcDataSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A Camel Main application of a user who adds the gateway to it: its own YAML routes under {@code routes/} on
 * the classpath (test resources: a REST API with a context path and JSON binding, {@code /hello}, {@code /upload},
 * {@code /health}, a {@code sql:} endpoint on its own data source), Camel's defaults everywhere (stream caching
 * on, no {@code camel.component.*} settings), and the gateway opted in by the one property the README names.
 * Test classes add Java DSL routes and properties of their own.
 */
public final class CamelHost implements AutoCloseable {

    /** The host's REST context path (routes/host-hello.camel.yaml): the gateway's REST API is served under it. */
    public static final String CONTEXT_PATH = "/api";

    /** The property a host sets to take the gateway in. */
    public static final String OPT_IN = "camel.main.configurationClasses";

    private final Main main;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private CamelHost(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    /** A host with the gateway on a fresh database and {@code bootstrapYaml}, plus the test's routes and properties. */
    public static CamelHost start(String bootstrapYaml, Map<String, String> overrides, RoutesBuilder... routes)
            throws Exception {
        return start(bootstrapYaml, overrides, Map.of(), routes);
    }

    /** As {@link #start(String, Map, RoutesBuilder...)}, with beans of the host bound in its registry. */
    public static CamelHost start(String bootstrapYaml, Map<String, String> overrides, Map<String, Object> beans,
                                  RoutesBuilder... routes) throws Exception {
        Path dir = Files.createTempDirectory("llm-proxy-host");
        Path bootstrap = dir.resolve("registry.yaml");
        Files.writeString(bootstrap, bootstrapYaml, StandardCharsets.UTF_8);
        TestDatabase database = TestDatabase.create();
        int port = GatewayHarness.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.main.name", "host-application");
        props.put("camel.main.routesIncludePattern", "classpath:routes/*.yaml");
        props.put(OPT_IN, "io.camelllmproxy.config.GatewayConfiguration");
        props.put("camel.server.enabled", "true");
        props.put("camel.server.port", String.valueOf(port));
        props.put("camel.main.shutdownTimeout", "2");
        props.put("llm.db.url", database.url());
        props.put("llm.db.user", database.user());
        props.put("llm.db.password", database.password());
        props.put("llm.registry.bootstrap", bootstrap.toString());
        props.put("llm.registry.refresh-ms", "200");
        props.put("llm.crypto.secret", GatewayHarness.SECRET);
        props.put("llm.auth.admin.token", GatewayHarness.ADMIN_TOKEN);
        props.put("llm.crypto.secret-file", dir.resolve("secret").toString());
        props.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(props);

        Main main = new Main();
        main.setOverrideProperties(properties);
        main.bind("hostDataSource", hostDataSource());
        beans.forEach(main::bind);
        for (RoutesBuilder builder : routes) {
            main.configure().addRoutesBuilder(builder);
        }
        main.start();
        CamelHost host = new CamelHost(main, port);
        org.awaitility.Awaitility.await("the host serves the gateway's /v1/models").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> host.send("GET", CONTEXT_PATH + "/v1/models", null, GatewayHarness.ADMIN_TOKEN).statusCode() == 200);
        return host;
    }

    /** The host's own database, with one table its {@code sql:} route counts. */
    private static JdbcDataSource hostDataSource() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:host-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("create table host_items (id int primary key)");
            connection.createStatement().execute("insert into host_items values (1), (2), (3)");
        }
        return dataSource;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Any method, a body or none, the key to present (null: none) and extra header pairs. */
    public HttpResponse<String> send(String method, String path, String body, String key, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of the host's own routes (those the test resources and the test's builders declare). */
    public List<String> routeIds() {
        return main.getCamelContext().getRoutes().stream().map(org.apache.camel.Route::getRouteId).toList();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
