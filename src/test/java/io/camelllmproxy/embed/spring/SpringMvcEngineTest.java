package io.camelllmproxy.embed.spring;

import io.camelllmproxy.embed.spring.mvc.SpringMvcHostApplication;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot host whose platform-http engine is Spring MVC: the gateway's key check runs as Vert.x handlers, so
 * the gateway must refuse to start there (fail closed) instead of serving its API to anyone.
 */
class SpringMvcEngineTest {

    @TempDir
    Path dir;

    @Test
    void theGatewayRefusesToStartOnAnEngineWithoutItsKeyCheck() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            Path bootstrap = dir.resolve("registry.yaml");
            Files.writeString(bootstrap, "providers:\n" + provider("main-openai", "openai", upstream.baseUrl(),
                    "sk-mvc-upstream-0123456789", null, "{model_id: gpt-4o-mini, model_name: GPT-4o mini}"),
                    StandardCharsets.UTF_8);
            TestDatabase registry = TestDatabase.create();
            int port = freePort();
            SpringApplicationBuilder host = new SpringApplicationBuilder(SpringMvcHostApplication.class)
                    .properties("spring.config.location=classpath:io/camelllmproxy/embed/spring/mvc/application.properties")
                    .properties(Map.of(
                            "server.port", String.valueOf(port),
                            "llm.db.url", registry.url(),
                            "llm.db.user", registry.user(),
                            "llm.db.password", registry.password(),
                            "llm.registry.bootstrap", bootstrap.toString(),
                            "llm.crypto.secret-file", dir.resolve("secret").toString(),
                            "llm.auth.admin-token-file", dir.resolve("admin.token").toString()));

            Exception refused = assertThrows(Exception.class, () -> {
                try (ConfigurableApplicationContext started = host.run()) {
                    // reaching here means the gateway's API was served without its key check
                }
            });

            assertTrue(rootCause(refused).getMessage().contains("platform-http"), rootCause(refused).toString());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
            assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/models")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()), "nothing is left listening on the host's port");
            assertTrue(upstream.receivedNothing());
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
