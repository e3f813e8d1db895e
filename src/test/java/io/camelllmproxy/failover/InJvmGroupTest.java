package io.camelllmproxy.failover;

import io.camelllmproxy.embed.InJvmCallResult;
import io.camelllmproxy.support.CamelHost;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A host's own route calls a model group in-JVM: the failover happens, and the outcome comes back as headers. */
class InJvmGroupTest {

    static FakeUpstream down;
    static FakeUpstream up;
    static CamelHost host;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        down = new FakeUpstream();
        up = new FakeUpstream();
        down.replyJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
        up.replyJson(200, ModelGroupFailoverTest.ANSWER.formatted("up"));
        host = CamelHost.start("providers:\n"
                + provider("down", "openai", down.baseUrl(), "sk-1", null, "{model_id: m, model_name: M}")
                + provider("up", "openai", up.baseUrl(), "sk-2", null, "{model_id: m, model_name: M}")
                + "model_groups:\n"
                + "  - name: resilient\n"
                + "    members:\n"
                + "      - {provider: down, model_id: m}\n"
                + "      - {provider: up, model_id: m}\n", Map.of());
        template = host.camelContext().createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        host.close();
        down.close();
        up.close();
    }

    @Test
    void theHostGetsTheNextMembersAnswerAndTheAttemptHeaders() throws Exception {
        Exchange answer = template.request("direct:llm-chat-completions", e -> e.getMessage().setBody(
                "{\"model\":\"resilient\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertNull(answer.getException());
        assertEquals(200, answer.getMessage().getHeader(InJvmCallResult.STATUS));
        assertEquals(2, answer.getMessage().getHeader(InJvmCallResult.ATTEMPTS));
        assertEquals("up/m", answer.getMessage().getHeader(InJvmCallResult.DEPLOYMENT));
        assertEquals("from up", Json.MAPPER.readTree(answer.getMessage().getBody(String.class))
                .at("/choices/0/message/content").asText());
        down.take();
        up.take();
        assertNull(answer.getVariable("attempts"), "the gateway's state stays on its copy of the exchange");
    }
}
