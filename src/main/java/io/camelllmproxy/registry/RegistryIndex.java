package io.camelllmproxy.registry;

import io.camelllmproxy.security.ProviderCredential;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the servable models and the model groups, indexed by every name a client may use.
 * A group's name is looked up before any model name (see {@link ModelResolver#group}). Model resolution
 * follows the reference (row id, then {@code model_id}, then {@code model_alias}); {@code provider/model_id}
 * comes last so that an ambiguous id has a name that always resolves.
 */
public final class RegistryIndex {

    /** What a name resolves to: one model, several (ambiguous), or none. */
    public record Match(List<ModelTarget> candidates) {
        public boolean found() {
            return !candidates.isEmpty();
        }

        public boolean ambiguous() {
            return candidates.size() > 1;
        }
    }

    private static final Match NONE = new Match(List.of());

    private final List<ModelTarget> servable;
    private final Map<String, ModelTarget> byRowId = new HashMap<>();
    private final Map<String, List<ModelTarget>> byModelId = new HashMap<>();
    private final Map<String, List<ModelTarget>> byAlias = new HashMap<>();
    private final Map<String, ModelTarget> byQualifiedName = new HashMap<>();
    private final Map<String, ModelTarget> disabledByName = new HashMap<>();
    private final Map<String, ProviderCredential> credentialByProvider = new HashMap<>();
    private final Map<String, ModelGroup> groupsByName = new LinkedHashMap<>();

    public RegistryIndex(List<ModelTarget> targets) {
        this(targets, List.of());
    }

    /** {@code groups} in the order {@code GET /v1/models} lists them; their members hold targets of {@code targets}. */
    public RegistryIndex(List<ModelTarget> targets, List<ModelGroup> groups) {
        for (ModelGroup g : groups) {
            groupsByName.putIfAbsent(g.name(), g);
        }
        List<ModelTarget> live = new ArrayList<>();
        for (ModelTarget t : targets) {
            credentialByProvider.put(t.providerId(), t.credential());
            if (!t.servable()) {
                disabledByName.putIfAbsent(t.modelRowId(), t);
                disabledByName.putIfAbsent(t.modelId(), t);
                if (t.modelAlias() != null) {
                    disabledByName.putIfAbsent(t.modelAlias(), t);
                }
                continue;
            }
            live.add(t);
            byRowId.put(t.modelRowId(), t);
            byModelId.computeIfAbsent(t.modelId(), k -> new ArrayList<>()).add(t);
            if (t.modelAlias() != null && !t.modelAlias().isEmpty()) {
                byAlias.computeIfAbsent(t.modelAlias(), k -> new ArrayList<>()).add(t);
            }
            byQualifiedName.put(t.qualifiedName(), t);
        }
        this.servable = List.copyOf(live);
    }

    /** Every model of {@code targets} by row id, servable or not: what a group member points at. */
    static Map<String, ModelTarget> byRowId(List<ModelTarget> targets) {
        Map<String, ModelTarget> all = new HashMap<>();
        for (ModelTarget t : targets) {
            all.put(t.modelRowId(), t);
        }
        return all;
    }

    /** The group called {@code name} (exactly), whether or not it has a servable member; null when there is none. */
    public ModelGroup group(String name) {
        return name == null ? null : groupsByName.get(name);
    }

    /** Every group, in name order. */
    public Collection<ModelGroup> groups() {
        return groupsByName.values();
    }

    public static RegistryIndex empty() {
        return new RegistryIndex(List.of());
    }

    /** The key of the provider with row id {@code providerId}; null when no model of it is in the snapshot. */
    public ProviderCredential credential(String providerId) {
        return credentialByProvider.get(providerId);
    }

    public List<ModelTarget> servable() {
        return servable;
    }

    public Match match(String name) {
        ModelTarget byId = byRowId.get(name);
        if (byId != null) {
            return new Match(List.of(byId));
        }
        List<ModelTarget> ids = byModelId.get(name);
        if (ids != null) {
            return new Match(List.copyOf(ids));
        }
        List<ModelTarget> aliases = byAlias.get(name);
        if (aliases != null) {
            return new Match(List.copyOf(aliases));
        }
        ModelTarget qualified = byQualifiedName.get(name);
        return qualified != null ? new Match(List.of(qualified)) : NONE;
    }

    /** A disabled model (or a model of a disabled provider) known by this name, for a clearer 404. */
    public Optional<ModelTarget> disabled(String name) {
        return Optional.ofNullable(disabledByName.get(name));
    }

    /** The first of the model's names that resolves to exactly this model, for {@code GET /v1/models}. */
    public String publicName(ModelTarget target) {
        List<String> names = new ArrayList<>(4);
        names.add(target.modelId());
        if (target.modelAlias() != null && !target.modelAlias().isEmpty()) {
            names.add(target.modelAlias());
        }
        names.add(target.qualifiedName());
        for (String name : names) {
            if (groupsByName.containsKey(name)) {
                continue; // the group of that name wins it, so the model is listed under another
            }
            Match m = match(name);
            if (m.candidates().size() == 1 && m.candidates().get(0) == target) {
                return name;
            }
        }
        return target.modelRowId();
    }
}
