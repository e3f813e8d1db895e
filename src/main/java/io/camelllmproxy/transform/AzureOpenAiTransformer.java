package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.CredentialScheme;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Azure OpenAI: the OpenAI schema addressed to a deployment. The deployment names the model, so
 * {@code model} leaves the body; the key travels in {@code api-key}. Answers and streams are OpenAI's.
 */
public class AzureOpenAiTransformer extends OpenAiTransformer {

    static final String DEFAULT_API_VERSION = "2024-02-15-preview";

    @Override
    protected void setModel(ObjectNode request, ModelTarget target) {
        request.remove("model");
    }

    @Override
    protected String url(ModelTarget target) {
        String deployment = firstText(target.config(), AzureNames.DEPLOYMENT_KEYS);
        if (deployment == null) {
            deployment = target.modelId();
        }
        if (AzureNames.isDotSegment(deployment)) {
            // Encoding leaves '.' and '..' as they are, and they would address another path: refuse them.
            throw GatewayException.badRequest("invalid_deployment", "model", "The Azure deployment of model '"
                    + target.modelId() + "' is '" + deployment + "', which cannot be a deployment name");
        }
        String version = apiVersion(target);
        String base = target.apiBase();
        if (base == null) {
            String resource = firstText(target.config(), "resource_name");
            if (resource == null) {
                throw new GatewayException(OpenAiError.of(500, OpenAiError.SERVER_ERROR, "provider_misconfigured",
                        "Azure provider '" + target.providerName() + "' has neither api_base nor config.resource_name"));
            }
            if (AzureNames.resourceNameProblem(target.config()) != null) {
                throw new GatewayException(OpenAiError.of(500, OpenAiError.SERVER_ERROR, "provider_misconfigured",
                        "Azure provider '" + target.providerName() + "' has a config.resource_name that is not a DNS label"));
            }
            base = "https://" + resource + ".openai.azure.com";
        }
        return WireSchema.stripTrailingSlashes(base) + "/openai/deployments/" + encode(deployment)
                + "/chat/completions?api-version=" + encode(version);
    }

    /** {@code config.stream_usage} when set, else whether the api-version takes {@code stream_options} at all. */
    @Override
    protected boolean asksForUsage(ModelTarget target) {
        Boolean configured = StreamUsage.configured(target.config());
        return configured != null ? configured : StreamUsage.azureVersionTakesIt(apiVersion(target));
    }

    private static String apiVersion(ModelTarget target) {
        String version = firstText(target.config(), "api_version");
        if (version == null) {
            version = target.apiVersion() != null ? target.apiVersion() : DEFAULT_API_VERSION;
        }
        return version;
    }

    @Override
    public CredentialScheme credentialScheme() {
        return CredentialScheme.API_KEY;
    }

    private static String firstText(ObjectNode config, String... names) {
        for (String name : names) {
            String value = config.path(name).asText("");
            if (!value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
