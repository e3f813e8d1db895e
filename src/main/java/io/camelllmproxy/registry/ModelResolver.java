package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.Json;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Answers "which model and provider does this name mean" from an in-memory snapshot, so a request costs
 * no database round trip. The registry-refresh route replaces the snapshot every few seconds, which
 * bounds how stale an answer can be.
 */
public class ModelResolver {

    /** {@link #lastLoadNanos()} before the first snapshot was read. */
    public static final long NEVER_LOADED = Long.MIN_VALUE;

    private final RegistryRows rows;
    private final long firstLoadWaitMillis;
    private final CountDownLatch firstLoad = new CountDownLatch(1);
    private volatile RegistryIndex index = RegistryIndex.empty();
    private final SnapshotGenerations.Installed installed = new SnapshotGenerations.Installed();
    private volatile long lastLoadNanos = NEVER_LOADED;

    public ModelResolver(CredentialCipher cipher, long firstLoadWaitMillis) {
        this.rows = new RegistryRows(cipher);
        this.firstLoadWaitMillis = firstLoadWaitMillis;
    }

    /** Installs the rows of {@code sql/registry-snapshot.sql} unconditionally (tests). */
    public void refresh(List<Map<String, Object>> registryRows) {
        refresh(registryRows, SnapshotGenerations.UNORDERED);
    }

    /**
     * Called by the registry-reload route with the rows of {@code sql/registry-snapshot.sql} read under
     * {@code generation}; a snapshot read before the installed one is dropped, so it cannot undo a newer write.
     */
    public void refresh(List<Map<String, Object>> registryRows, long generation) {
        refresh(registryRows, List.of(), generation);
    }

    /**
     * As {@link #refresh(List, long)}, with the rows of {@code sql/model-groups-snapshot.sql} read in the same
     * reload, so models and the groups that name them are installed together.
     */
    public void refresh(List<Map<String, Object>> registryRows, List<Map<String, Object>> groupRows, long generation) {
        List<ModelTarget> targets = rows.toTargets(registryRows);
        List<ModelGroup> groups = GroupRows.toGroups(groupRows == null ? List.of() : groupRows, RegistryIndex.byRowId(targets));
        RegistryIndex next = new RegistryIndex(targets, groups);
        installed.installIfCurrent(generation, () -> index = next);
        // a snapshot dropped because a newer one is installed still proves the database was read just now
        lastLoadNanos = System.nanoTime();
        firstLoad.countDown();
    }

    /** {@link System#nanoTime()} when the registry was last read successfully, or {@link #NEVER_LOADED}. */
    public long lastLoadNanos() {
        return lastLoadNanos;
    }

    public RegistryIndex index() {
        awaitFirstLoad();
        return index;
    }

    /**
     * The current key of provider {@code providerId}, read by the gateway's HTTP client as it sends a request
     * (the message carries only the provider's id); null when the provider is gone from the registry.
     */
    public ProviderCredential credential(String providerId) {
        return index().credential(providerId);
    }

    /**
     * The model group called {@code name}, or null when no group has that name (then {@code name} is a model's).
     * Groups are looked up before models: a group's name is chosen to be one, and a model of the same id added
     * later (by ContextForge, which knows no groups) must not take it over. A group none of whose members is
     * servable answers 404 {@code model_not_found}, as a disabled model does.
     */
    public ModelGroup group(String name) {
        ModelGroup group = index().group(name);
        if (group != null && group.servableMembers().isEmpty()) {
            throw groupWithoutMember(group);
        }
        return group;
    }

    public ModelTarget resolve(String name) {
        ModelTarget target = matchOne(name);
        if (target.credentialError() != null) {
            throw new GatewayException(OpenAiError.of(500, OpenAiError.SERVER_ERROR, "provider_credentials_unreadable",
                    "The API key stored for provider '" + target.providerName() + "' cannot be decrypted ("
                            + target.credentialError() + "); check AUTH_ENCRYPTION_SECRET"));
        }
        return target;
    }

    /**
     * The body of {@code GET /v1/models}: the groups with a servable member first, then the models, each id a
     * name that resolves to exactly that group or model. Models
     * marked {@code supports_chat=false} are left out, as ContextForge's listing leaves them out.
     */
    public ObjectNode modelList() {
        RegistryIndex current = index();
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelGroup g : current.groups()) {
            if (!g.servableMembers().isEmpty()) {
                groupObject(data.addObject(), g);
            }
        }
        for (ModelTarget t : current.servable()) {
            if (!t.supportsChat()) {
                continue;
            }
            modelObject(data.addObject(), current.publicName(t), t);
        }
        return root;
    }

    /**
     * The body of {@code GET /v1/models/{name}}: OpenAI's model object for any name a chat request may use,
     * under that name. Unlike {@link #resolve} it does not need the provider key to be readable: describing a
     * model sends nothing upstream.
     */
    public ObjectNode model(String name) {
        ModelGroup group = group(name);
        if (group != null) {
            return groupObject(Json.MAPPER.createObjectNode(), group);
        }
        return modelObject(Json.MAPPER.createObjectNode(), name, matchOne(name));
    }

    /** The one servable model {@code name} means, or the 400 (ambiguous) or 404 (unknown or disabled) it earns. */
    private ModelTarget matchOne(String name) {
        RegistryIndex current = index();
        RegistryIndex.Match match = current.match(name);
        if (match.ambiguous()) {
            throw ambiguous(match, name);
        }
        if (!match.found()) {
            throw notFound(current, name);
        }
        return match.candidates().get(0);
    }

    private static ObjectNode modelObject(ObjectNode node, String id, ModelTarget t) {
        return node.put("id", id)
                .put("object", "model")
                .put("created", t.createdEpochSeconds())
                .put("owned_by", t.providerName());
    }

    /** A group is owned by the gateway itself: its members may belong to several providers. */
    private static ObjectNode groupObject(ObjectNode node, ModelGroup g) {
        return node.put("id", g.name())
                .put("object", "model")
                .put("created", g.createdEpochSeconds())
                .put("owned_by", "camel-llm-proxy");
    }

    private static GatewayException groupWithoutMember(ModelGroup group) {
        return new GatewayException(new OpenAiError(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model",
                "The model group '" + group.name() + "' has no enabled member", null));
    }

    private static GatewayException ambiguous(RegistryIndex.Match match, String name) {
        String names = match.candidates().stream().map(ModelTarget::qualifiedName).collect(Collectors.joining(", "));
        return GatewayException.badRequest("model_ambiguous", "model",
                "The model '" + name + "' matches models of several providers; use one of: " + names);
    }

    private static GatewayException notFound(RegistryIndex current, String name) {
        Optional<ModelTarget> disabled = current.disabled(name);
        String message = disabled.isPresent()
                ? "The model '" + name + "' is disabled" + (disabled.get().providerEnabled() ? "" : " (its provider is disabled)")
                : "The model '" + name + "' does not exist";
        return new GatewayException(new OpenAiError(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model",
                message, null));
    }

    private void awaitFirstLoad() {
        try {
            if (!firstLoad.await(firstLoadWaitMillis, TimeUnit.MILLISECONDS)) {
                throw new GatewayException(OpenAiError.of(503, OpenAiError.SERVER_ERROR, "registry_unavailable",
                        "The model registry has not been loaded yet; try again shortly"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(OpenAiError.of(503, OpenAiError.SERVER_ERROR, "registry_unavailable",
                    "Interrupted while waiting for the model registry"));
        }
    }
}
