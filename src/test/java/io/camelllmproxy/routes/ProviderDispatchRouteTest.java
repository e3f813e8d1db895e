package io.camelllmproxy.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.ProviderNotSupportedException;
import io.camelllmproxy.http.ExchangeKeys;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.AnthropicTransformer;
import io.camelllmproxy.transform.AzureOpenAiTransformer;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.OllamaTransformer;
import io.camelllmproxy.transform.OpenAiTransformer;
import io.camelllmproxy.transform.UpstreamRequest;
import io.camelllmproxy.upstream.UpstreamRequestBuilder;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch YAML on its own (camel-test-junit5): each wire schema reaches its transformer, and a schema
 * without one is refused before anything is built. A user editing {@code provider-dispatch.camel.yaml} runs this.
 */
class ProviderDispatchRouteTest extends CamelTestSupport {

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        List<RoutesBuilder> builders = new ArrayList<>();
        for (String file : new String[] {"file:routes/errors.camel.yaml", "file:routes/provider-dispatch.camel.yaml"}) {
            builders.addAll(PluginHelper.getRoutesLoader(context)
                    .findRoutesBuilders(ResourceHelper.resolveMandatoryResource(context, file)));
        }
        return builders.toArray(new RoutesBuilder[0]);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("llm-upstream-request-builder", new UpstreamRequestBuilder());
    }

    static ModelTarget target(String type, String base) {
        return new ModelTarget("r1", "model-x", "Model X", null, 0, true, "p1", "prov", type, base, null,
                Json.MAPPER.createObjectNode(), null, null, true, "sk-1", null);
    }

    Exchange dispatch(ModelTarget target) throws Exception {
        ObjectNode request = (ObjectNode) Json.MAPPER.readTree("{\"model\":\"alias\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        return template.send("direct:llm-provider-dispatch", e -> {
            e.setVariable(ExchangeKeys.CHAT_REQUEST, request);
            e.setVariable(ExchangeKeys.TARGET, target);
            e.setVariable(ExchangeKeys.WIRE_SCHEMA, target.wireSchema().id());
        });
    }

    @Test
    void openAiSchemaTypesGoThroughTheOpenAiTransformer() throws Exception {
        for (String type : new String[] {"openai", "openai_compatible", "groq", "mistral", "together"}) {
            Exchange result = dispatch(target(type, "http://h/v1"));
            assertInstanceOf(OpenAiTransformer.class, result.getVariable(ExchangeKeys.TRANSFORMER), type);
            UpstreamRequest up = result.getVariable(ExchangeKeys.UPSTREAM_REQUEST, UpstreamRequest.class);
            assertEquals("http://h/v1/chat/completions", up.url());
        }
        Exchange ollamaV1 = dispatch(target("ollama", "http://localhost:11434/v1/"));
        assertEquals("http://localhost:11434/v1/chat/completions",
                ollamaV1.getVariable(ExchangeKeys.UPSTREAM_REQUEST, UpstreamRequest.class).url());
    }

    @Test
    void eachTranslatedSchemaReachesItsTransformer() throws Exception {
        assertInstanceOf(AnthropicTransformer.class, dispatch(target("anthropic", "http://h")).getVariable(ExchangeKeys.TRANSFORMER));
        assertInstanceOf(AzureOpenAiTransformer.class, dispatch(target("azure_openai", "http://h")).getVariable(ExchangeKeys.TRANSFORMER));
        Exchange ollama = dispatch(target("ollama", "http://h:11434"));
        assertInstanceOf(OllamaTransformer.class, ollama.getVariable(ExchangeKeys.TRANSFORMER));
        assertEquals("http://h:11434/api/chat", ollama.getVariable(ExchangeKeys.UPSTREAM_REQUEST, UpstreamRequest.class).url());
    }

    @Test
    void schemasWithoutATranslatorAreRefusedBeforeAnythingIsBuilt() throws Exception {
        for (String type : new String[] {"bedrock", "google_vertex", "watsonx", "cohere"}) {
            Exchange result = dispatch(target(type, "http://h"));
            ProviderNotSupportedException e = assertInstanceOf(ProviderNotSupportedException.class, result.getException(), type);
            assertTrue(e.getMessage().contains("'" + type + "'"), e.getMessage());
            assertEquals(501, e.error().status());
            assertEquals(null, result.getVariable(ExchangeKeys.UPSTREAM_REQUEST));
        }
    }
}
