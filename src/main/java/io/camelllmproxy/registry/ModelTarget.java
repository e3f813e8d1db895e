package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.WireSchema;

/**
 * One enabled model with the provider row it belongs to: everything a transformer needs to build the
 * upstream call. {@code credential} is the decrypted key, held opaquely: this record is an exchange variable,
 * and nothing a route, a tracer or a converter reads from it may show the key. {@code credentialError} says
 * why it could not be decrypted, in which case the request must fail rather than go out without credentials. A model with
 * {@code supportsChat} false still resolves (ContextForge's chat does not check it) but is not listed.
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
        boolean supportsChat) {

    public ModelTarget {
        credential = credential == null ? ProviderCredential.NONE : credential;
    }

    /** A chat model ({@code supports_chat} true), as most callers mean. */
    public ModelTarget(String modelRowId, String modelId, String modelName, String modelAlias, long createdEpochSeconds,
                       boolean enabled, String providerId, String providerName, String providerType, String apiBase,
                       String apiVersion, ObjectNode config, Double defaultTemperature, Integer defaultMaxTokens,
                       boolean providerEnabled, String apiKey, String credentialError) {
        this(modelRowId, modelId, modelName, modelAlias, createdEpochSeconds, enabled, providerId, providerName,
                providerType, apiBase, apiVersion, config, defaultTemperature, defaultMaxTokens, providerEnabled,
                ProviderCredential.of(apiKey), credentialError, true);
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
