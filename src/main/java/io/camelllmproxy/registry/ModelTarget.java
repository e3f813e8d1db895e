package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.WireSchema;
import io.camelllmproxy.usage.ModelPrice;

/**
 * One enabled model with the provider row it belongs to: everything a transformer needs to build the
 * upstream call. {@code credential} is the decrypted key, held opaquely: this record is an exchange variable,
 * and nothing a route, a tracer or a converter reads from it may show the key. {@code credentialError} says
 * why it could not be decrypted, in which case the request must fail rather than go out without credentials. A model with
 * {@code supportsChat} false still resolves (ContextForge's chat does not check it) but is not listed. {@code price}
 * is its row of {@code llm_model_prices} ({@link ModelPrice#NONE} without one).
 */
public record ModelTarget(
        String modelRowId,
        String modelId,
        String modelName,
        String modelAlias,
        long createdEpochSeconds,
        boolean enabled,
        String providerId,
        String providerName,
        String providerType,
        String apiBase,
        String apiVersion,
        ObjectNode config,
        Double defaultTemperature,
        Integer defaultMaxTokens,
        boolean providerEnabled,
        ProviderCredential credential,
        String credentialError,
        boolean supportsChat,
        ModelPrice price) {

    public ModelTarget {
        credential = credential == null ? ProviderCredential.NONE : credential;
        price = price == null ? ModelPrice.NONE : price;
    }

    /** A model without a price. */
    public ModelTarget(String modelRowId, String modelId, String modelName, String modelAlias, long createdEpochSeconds,
                       boolean enabled, String providerId, String providerName, String providerType, String apiBase,
                       String apiVersion, ObjectNode config, Double defaultTemperature, Integer defaultMaxTokens,
                       boolean providerEnabled, ProviderCredential credential, String credentialError,
                       boolean supportsChat) {
        this(modelRowId, modelId, modelName, modelAlias, createdEpochSeconds, enabled, providerId, providerName,
                providerType, apiBase, apiVersion, config, defaultTemperature, defaultMaxTokens, providerEnabled,
                credential, credentialError, supportsChat, ModelPrice.NONE);
    }

    /** A chat model ({@code supports_chat} true), as most callers mean. */
    public ModelTarget(String modelRowId, String modelId, String modelName, String modelAlias, long createdEpochSeconds,
                       boolean enabled, String providerId, String providerName, String providerType, String apiBase,
                       String apiVersion, ObjectNode config, Double defaultTemperature, Integer defaultMaxTokens,
                       boolean providerEnabled, String apiKey, String credentialError) {
        this(modelRowId, modelId, modelName, modelAlias, createdEpochSeconds, enabled, providerId, providerName,
                providerType, apiBase, apiVersion, config, defaultTemperature, defaultMaxTokens, providerEnabled,
                ProviderCredential.of(apiKey), credentialError, true, ModelPrice.NONE);
    }

    /** {@code provider name/model_id}: the name that tells apart models of the same id on two providers. */
    public String qualifiedName() {
        return providerName + "/" + modelId;
    }

    public boolean servable() {
        return enabled && providerEnabled;
    }

    public WireSchema wireSchema() {
        return WireSchema.of(providerType, apiBase);
    }

    @Override
    public String toString() {
        return "ModelTarget[" + qualifiedName() + ", row " + modelRowId + ", type " + providerType
                + ", key " + (credential.isPresent() ? "set" : "none") + "]";
    }
}
