package io.camelllmproxy.registry;

/**
 * One deployment of a model group: a registry model named by provider and {@code model_id}, with its weight.
 * {@code target} is the model as the current snapshot has it, or null when the model or its provider is disabled
 * (such a member is skipped, never called).
 */
public record GroupMember(String modelRowId, String providerName, String modelId, int weight, ModelTarget target) {

    /** {@code provider/model_id}, as the x-llm-deployment header and the request log name it. */
    public String deployment() {
        return providerName + "/" + modelId;
    }

    public boolean servable() {
        return target != null && target.servable();
    }
}
