package io.camelllmproxy.embed.spring;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.embed.spring.host.SpringHostApplication;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.TestDatabase;
import io.camelllmproxy.transform.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.List;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway embedded in a camel-spring-boot 4.18 application (Spring Boot's own start-up, properties, logging and
 * Flyway): it starts, serves a chat to a host route in-JVM and over the host's HTTP server, and leaves the host's
 * own routes, settings and database as they were.
 */
class SpringBootHostTest {

    static final String UPSTREAM_KEY = "sk-spring-upstream-0123456789";
    static final String ADMIN_TOKEN = "spring-host-admin-token-0123456789";
    static final String ANSWER = "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi from spring\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
    static final String REQUEST = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static ConfigurableApplicationContext spring;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        Path bootstrap = dir.resolve("registry.yaml");
        Files.writeString(bootstrap, "providers:\n" + provider("main-openai", "openai", upstream.baseUrl(), UPSTREAM_KEY,
                null, "{model_id: gpt-4o-mini, model_name: GPT-4o mini, model_alias: fast}"), StandardCharsets.UTF_8);
        TestDatabase registry = TestDatabase.create();
        port = freePort();
        spring = new SpringApplicationBuilder(SpringHostApplication.class)
                .properties("spring.config.location=classpath:io/camelllmproxy/embed/spring/host/application.properties")
                .properties(Map.of(
                        "host.http.port", String.valueOf(port),
                        // the port the host's server listens on (the gateway's routes are served there)
                        "camel.server.port", String.valueOf(port),
                        "llm.db.url", registry.url(),
                        "llm.db.user", registry.user(),
                        "llm.db.password", registry.password(),
                        "llm.registry.bootstrap", bootstrap.toString(),
                        "llm.crypto.secret-file", dir.resolve("secret").toString(),
                        "llm.auth.admin-token-file", dir.resolve("admin.token").toString()))
                .run();
    }

    @AfterAll
    static void stop() {
        if (spring != null) {
            spring.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aHostRouteGetsTheCompletionInJvm() throws Exception {
        upstream.replyJson(200, ANSWER);
        ProducerTemplate template = spring.getBean(CamelContext.class).createProducerTemplate();

        Exchange done = template.request("direct:host-ask", e -> e.getMessage().setBody(REQUEST));

        assertEquals(null, done.getException());
        assertEquals("host-ask", done.getVariable("answeredBy"), "the host route's steps after the call ran");
        JsonNode completion = Json.MAPPER.readTree(done.getMessage().getBody(String.class));
        assertEquals("hi from spring", completion.at("/choices/0/message/content").asText());
        assertEquals(200, done.getMessage().getHeader("LlmStatus", Integer.class));
        FakeUpstream.Received received = upstream.take();
        assertEquals("Bearer " + UPSTREAM_KEY, received.header("Authorization"));
        assertEquals("gpt-4o-mini", Json.MAPPER.readTree(received.body()).path("model").asText());
    }

    /** The key is the admin token of the host's Spring properties: they win over the gateway's defaults. */
    @Test
    void theHostServerServesAChatWithAKeyAndRefusesItWithout() throws Exception {
        upstream.replyJson(200, ANSWER);

        HttpResponse<String> answered = post("/v1/chat/completions", REQUEST, ADMIN_TOKEN);
        HttpResponse<String> refused = post("/v1/chat/completions", REQUEST, null);

        assertEquals(200, answered.statusCode(), answered.body());
        assertEquals("hi from spring", Json.MAPPER.readTree(answered.body()).at("/choices/0/message/content").asText());
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("invalid_api_key", Json.MAPPER.readTree(refused.body()).at("/error/code").asText());
        FakeUpstream.Received received = upstream.take();
        assertEquals("Bearer " + UPSTREAM_KEY, received.header("Authorization"));
        assertTrue(upstream.receivedNothing(), "the refused request never reached the provider");
    }

    /** camel-spring-boot's own defaults (stream caching on) must not hold a stream back until it ends. */
    @Test
    void aStreamReachesTheHttpClientEventByEvent() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"tok" + i + "\"},\"finish_reason\":null}]}");
        }
        events.add("[DONE]");
        // each event leaves the provider only once the client has read the one before: a buffering host stalls here
        upstream.reply(new FakeUpstream.Stepped(events, 0));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST.replace("}]}", "}],\"stream\":true}"))).build();

        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring("data: ".length()));
                    upstream.step();
                }
            }
        }

        assertEquals(200, response.statusCode());
        assertEquals(events, data);
        upstream.take();
    }

    @Test
    void theHostsOwnRouteAnswersWithoutAKey() throws Exception {
        HttpResponse<String> hello = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("hello from the host", hello.body());
    }

    @Test
    void springBootsFlywayMigratesTheHostsSchemaAloneFromDbMigration() {
        JdbcTemplate host = spring.getBean(JdbcTemplate.class);

        List<String> migrations = host.queryForList("SELECT \"script\" FROM \"flyway_schema_history\" "
                + "WHERE \"type\" = 'SQL' AND \"success\" ORDER BY \"installed_rank\"", String.class);
        List<String> tables = host.queryForList("SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' AND LOWER(TABLE_NAME) <> 'flyway_schema_history' ORDER BY 1", String.class);

        assertEquals(List.of("V1__host_greetings.sql"), migrations);
        assertEquals(List.of("host_greetings"), tables);
        assertEquals("hello", host.queryForObject("SELECT text FROM host_greetings WHERE id = 1", String.class));
    }

    private static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
