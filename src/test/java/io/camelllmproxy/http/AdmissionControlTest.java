package io.camelllmproxy.http;

import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beyond its configured capacity the gateway answers 503 at once, and serves again when load drops. */
class AdmissionControlTest {

    @Test
    void requestsBeyondCapacityGet503AndTheOthersComplete() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             GatewayHarness gateway = GatewayHarness.start("providers:\n" + provider("p", "openai", upstream.baseUrl(),
                     null, null, "{model_id: m, model_name: M}"), Map.of("llm.server.max-concurrent-requests", "3"))) {
            // the streams stay open until the test steps them, so the fourth request meets three busy slots however slow the machine
            upstream.reply(new FakeUpstream.Stepped(List.of("{\"n\":1}", "{\"n\":2}", "[DONE]"), 0));
            String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                upstream.take();
            }
            HttpResponse<String> refused = gateway.postJson("/v1/chat/completions", body);
            assertEquals(503, refused.statusCode());
            assertEquals("gateway_overloaded", Json.MAPPER.readTree(refused.body()).get("error").get("code").asText());
            assertEquals("1", refused.headers().firstValue("retry-after").orElse(null));
            for (int i = 0; i < 3 * 2; i++) {
                upstream.step();
            }

            for (CompletableFuture<HttpResponse<String>> stream : streams) {
                assertEquals(200, stream.get().statusCode());
                assertTrue(stream.get().body().endsWith("data: [DONE]\n\n"));
            }
            upstream.replyJson(200, "{}");
            assertEquals(200, gateway.postJson("/v1/chat/completions", body.replace("true", "false")).statusCode());
        }
    }
}
