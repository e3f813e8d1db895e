package io.camelllmproxy.registry.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.GroupStrategy;
import io.camelllmproxy.registry.PriceRows;
import io.camelllmproxy.registry.ProviderNames;
import io.camelllmproxy.registry.ProviderTypes;
import io.camelllmproxy.registry.RetryConfig;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.transform.AzureNames;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.StreamUsage;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the bootstrap YAML into typed entries. It works on the YAML node tree rather than on plain maps
 * so that every problem can name its line, and it collects all problems before failing.
 */
final class BootstrapParser {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(env:)?([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private enum Kind { TEXT, NULLABLE_TEXT, PROVIDER_TYPE, URL, TEMPERATURE, POSITIVE_INT, BOOLEAN, OBJECT, PRICE }

    private static final Map<String, Kind> PROVIDER_KEYS = orderedMap(
            "name", Kind.TEXT, "provider_type", Kind.PROVIDER_TYPE, "description", Kind.NULLABLE_TEXT,
            "api_key", Kind.NULLABLE_TEXT, "api_base", Kind.URL, "api_version", Kind.NULLABLE_TEXT,
            "config", Kind.OBJECT, "default_model", Kind.NULLABLE_TEXT, "default_temperature", Kind.TEMPERATURE,
            "default_max_tokens", Kind.POSITIVE_INT, "enabled", Kind.BOOLEAN);

    private static final Map<String, Kind> MODEL_KEYS = orderedMap(
            "model_id", Kind.TEXT, "model_name", Kind.TEXT, "model_alias", Kind.NULLABLE_TEXT,
            "description", Kind.NULLABLE_TEXT, "supports_chat", Kind.BOOLEAN, "supports_streaming", Kind.BOOLEAN,
            "supports_function_calling", Kind.BOOLEAN, "supports_vision", Kind.BOOLEAN,
            "context_window", Kind.POSITIVE_INT, "max_output_tokens", Kind.POSITIVE_INT,
            "enabled", Kind.BOOLEAN, "deprecated", Kind.BOOLEAN, "input_cost_per_mtok", Kind.PRICE,
            "output_cost_per_mtok", Kind.PRICE, "cached_input_cost_per_mtok", Kind.PRICE);

    private static final Set<String> GROUP_KEYS = Set.of("name", "strategy", "members", "retry", "cooldown",
            "first_token_timeout_ms");
    private static final Set<String> MEMBER_KEYS = Set.of("provider", "model_id", "weight");

    private final String file;
    private final Function<String, String> environment;
    private final List<BootstrapGroup> groups = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private final UpstreamAddressPolicy addresses;

    BootstrapParser(String file, Function<String, String> environment, UpstreamAddressPolicy addresses) {
        this.file = file;
        this.environment = environment;
        this.addresses = addresses;
    }

    List<String> warnings() {
        return warnings;
    }

    /** The {@code model_groups} of the file {@link #parse} read last. */
    List<BootstrapGroup> groups() {
        return groups;
    }

    List<BootstrapEntry> parse(String yaml) {
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(yaml);
        } catch (YamlEngineException e) {
            throw new BootstrapException(file + ": not valid YAML: " + e.getMessage());
        }
        List<BootstrapEntry> entries = new ArrayList<>();
        if (root.isEmpty() || isNull(root.get())) {
            return entries;
        }
        if (!(root.get() instanceof MappingNode top)) {
            fail(root.get(), "(top level)", "must be a mapping with a 'providers' list");
            throw failure();
        }
        for (NodeTuple tuple : top.getValue()) {
            String key = keyOf(tuple);
            if ("model_groups".equals(key)) {
                groups(tuple.getValueNode());
            } else if (!"providers".equals(key)) {
                fail(tuple.getKeyNode(), key, "unknown key; the top level has only 'providers' and 'model_groups'");
            } else if (tuple.getValueNode() instanceof SequenceNode list) {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.getValue().size(); i++) {
                    BootstrapEntry entry = provider(list.getValue().get(i), "providers[" + i + "]");
                    if (entry != null && !names.add(entry.name())) {
                        fail(list.getValue().get(i), "providers[" + i + "].name",
                                "provider '" + entry.name() + "' appears twice");
                    } else if (entry != null) {
                        entries.add(entry);
                    }
                }
            } else if (!isNull(tuple.getValueNode())) {
                fail(tuple.getValueNode(), "providers", "must be a list");
            }
        }
        if (!problems.isEmpty()) {
            throw failure();
        }
        return entries;
    }

    private BootstrapEntry provider(Node node, String path) {
        if (!(node instanceof MappingNode map)) {
            fail(node, path, "must be a mapping");
            return null;
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        List<Map<String, Object>> models = new ArrayList<>();
        Node modelsNode = null;
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple);
            if ("models".equals(key)) {
                modelsNode = tuple.getValueNode();
                continue;
            }
            if ("api_key".equals(key) && keepsStoredKey(tuple.getValueNode(), path + "." + key)) {
                continue;
            }
            Kind kind = PROVIDER_KEYS.get(key);
            if (kind == null) {
                fail(tuple.getKeyNode(), path + "." + key, "unknown key; expected one of " + PROVIDER_KEYS.keySet() + " or models");
                continue;
            }
            readValue(tuple.getValueNode(), path + "." + key, kind, columns, key);
        }
        if (columns.get("name") instanceof String name && ProviderNames.problem(name) != null) {
            fail(map, path + ".name", ProviderNames.problem(name) + " (as the admin API and ContextForge allow)");
            columns.remove("name");
        }
        requireKey(map, path, columns, "name");
        requireKey(map, path, columns, "provider_type");
        if (columns.get("api_key") instanceof String k && k.isEmpty()) {
            columns.put("api_key", null);
        }
        if (modelsNode instanceof SequenceNode list) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                Map<String, Object> model = model(list.getValue().get(i), path + ".models[" + i + "]");
                if (model != null && !ids.add((String) model.get("model_id"))) {
                    fail(list.getValue().get(i), path + ".models[" + i + "].model_id",
                            "model '" + model.get("model_id") + "' appears twice for this provider");
                } else if (model != null) {
                    models.add(model);
                }
            }
        } else if (modelsNode != null && !isNull(modelsNode)) {
            fail(modelsNode, path + ".models", "must be a list");
        }
        if ("azure_openai".equals(columns.get("provider_type"))) {
            azureNames(map, path, columns, models);
        }
        // the failover steps read config.retry for the provider's plain models, as the admin API checks it
        RetryConfig.problems(columns.get("config") instanceof JsonNode c ? c : null).forEach((field, problem) ->
                fail(map, path + ".config.retry" + (field.isEmpty() ? "" : "." + field), problem));
        String streamUsage = StreamUsage.problem(columns.get("config") instanceof JsonNode c ? c : null);
        if (streamUsage != null) {
            fail(map, path + ".config." + StreamUsage.CONFIG_KEY, streamUsage);
        }
        Object name = columns.get("name");
        return name instanceof String s ? new BootstrapEntry(s, columns, models, line(node)) : null;
    }

    /** Azure puts {@code config.resource_name} into the host and the deployment into the path: both must fit. */
    private void azureNames(MappingNode map, String path, Map<String, Object> columns, List<Map<String, Object>> models) {
        JsonNode config = columns.get("config") instanceof JsonNode c ? c : null;
        String problem = AzureNames.resourceNameProblem(config);
        if (problem != null) {
            fail(map, path + ".config.resource_name", problem);
        }
        String deploymentKey = AzureNames.dotSegmentDeploymentKey(config);
        if (deploymentKey != null) {
            fail(map, path + ".config." + deploymentKey, "must not be '.' or '..'");
        }
        for (int i = 0; i < models.size(); i++) {
            if (AzureNames.isDotSegment((String) models.get(i).get("model_id"))) {
                fail(map, path + ".models[" + i + "].model_id", "must not be '.' or '..' for an Azure provider");
            }
        }
    }

    private Map<String, Object> model(Node node, String path) {
        if (!(node instanceof MappingNode map)) {
            fail(node, path, "must be a mapping");
            return null;
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple);
            Kind kind = MODEL_KEYS.get(key);
            if (kind == null) {
                fail(tuple.getKeyNode(), path + "." + key, "unknown key; expected one of " + MODEL_KEYS.keySet());
                continue;
            }
            readValue(tuple.getValueNode(), path + "." + key, kind, columns, key);
        }
        requireKey(map, path, columns, "model_id");
        columns.putIfAbsent("model_name", columns.get("model_id"));
        return columns.get("model_id") instanceof String ? columns : null;
    }

    /** {@code model_groups}: checked here as far as the file alone allows; members and name clashes at write time. */
    private void groups(Node node) {
        if (isNull(node)) {
            return;
        }
        if (!(node instanceof SequenceNode list)) {
            fail(node, "model_groups", "must be a list");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            BootstrapGroup group = group(item, "model_groups[" + i + "]");
            if (group != null && !names.add(group.name())) {
                fail(item, "model_groups[" + i + "].name", "model group '" + group.name() + "' appears twice");
            } else if (group != null) {
                groups.add(group);
            }
        }
    }

    private BootstrapGroup group(Node node, String path) {
        if (!(node instanceof MappingNode map)) {
            fail(node, path, "must be a mapping");
            return null;
        }
        String name = null;
        Map<String, Object> columns = new LinkedHashMap<>();
        List<BootstrapGroup.Member> members = new ArrayList<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple);
            Node value = tuple.getValueNode();
            String at = path + "." + key;
            switch (key) {
                case "name" -> {
                    String text = text(value, at);
                    if (text != null && (text.isBlank() || text.length() > 255)) {
                        fail(value, at, "must be 1 to 255 characters");
                    } else {
                        name = text;
                    }
                }
                case "strategy" -> {
                    String text = text(value, at);
                    GroupStrategy strategy = GroupStrategy.of(text);
                    if (text != null && (strategy == null || !strategy.id().equals(text))) {
                        fail(value, at, "'" + text + "' is not one of fallback, weighted, least-busy");
                    } else if (strategy != null) {
                        columns.put("strategy", strategy.id());
                    }
                }
                case "members" -> members(value, at, members);
                case "retry" -> {
                    Map<String, Node> retry = policy(value, at, Set.of("attempts", "max_wait_ms"));
                    columns.put("retry_attempts", whole(retry.get("attempts"), at + ".attempts", 1, Integer.MAX_VALUE));
                    columns.put("retry_max_wait_ms", whole(retry.get("max_wait_ms"), at + ".max_wait_ms", 0, Long.MAX_VALUE));
                }
                case "cooldown" -> {
                    Map<String, Node> cooldown = policy(value, at, Set.of("failures", "seconds"));
                    columns.put("cooldown_failures", whole(cooldown.get("failures"), at + ".failures", 1, Integer.MAX_VALUE));
                    columns.put("cooldown_seconds", whole(cooldown.get("seconds"), at + ".seconds", 0, Integer.MAX_VALUE));
                }
                case "first_token_timeout_ms" -> columns.put(key, whole(value, at, 1, Long.MAX_VALUE));
                default -> fail(tuple.getKeyNode(), at, "unknown key; expected one of " + GROUP_KEYS);
            }
        }
        requireKey(map, path, columns, "name");
        requireKey(map, path, columns, "members");
        return name == null ? null : new BootstrapGroup(name, columns, members, file + ":" + line(node) + ": " + path);
    }

    private void members(Node node, String path, List<BootstrapGroup.Member> into) {
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            fail(node, path, "must be a list of at least one {provider, model_id, weight}");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String at = path + "[" + i + "]";
            if (!(item instanceof MappingNode map)) {
                fail(item, at, "must be a mapping {provider, model_id, weight}");
                continue;
            }
            String provider = null;
            String modelId = null;
            Number weight = 1;
            for (NodeTuple tuple : map.getValue()) {
                String key = keyOf(tuple);
                switch (key) {
                    case "provider" -> provider = text(tuple.getValueNode(), at + ".provider");
                    case "model_id" -> modelId = text(tuple.getValueNode(), at + ".model_id");
                    case "weight" -> weight = whole(tuple.getValueNode(), at + ".weight", 1, Integer.MAX_VALUE);
                    default -> fail(tuple.getKeyNode(), at + "." + key, "unknown key; expected one of " + MEMBER_KEYS);
                }
            }
            requireKey(map, at, Map.of(), "provider");
            requireKey(map, at, Map.of(), "model_id");
            if (provider != null && modelId != null && !seen.add(provider + "/" + modelId)) {
                fail(item, at, "names " + provider + "/" + modelId + " twice in this group");
            } else if (provider != null && modelId != null && weight != null) {
                into.add(new BootstrapGroup.Member(provider, modelId, weight.intValue(), file + ":" + line(item) + ": " + at));
            }
        }
    }

    /** The keys of a {@code retry} or {@code cooldown} mapping (null: every default). */
    private Map<String, Node> policy(Node node, String path, Set<String> keys) {
        Map<String, Node> values = new LinkedHashMap<>();
        if (isNull(node)) {
            return values;
        }
        if (!(node instanceof MappingNode map)) {
            fail(node, path, "must be a mapping of " + keys);
            return values;
        }
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple);
            if (keys.contains(key)) {
                values.put(key, tuple.getValueNode());
            } else {
                fail(tuple.getKeyNode(), path + "." + key, "unknown key; expected one of " + keys);
            }
        }
        return values;
    }

    /** A whole number from {@code min} to {@code max} (an Integer when max is Integer.MAX_VALUE), or null. */
    private Number whole(Node node, String path, long min, long max) {
        if (node == null || isNull(node)) {
            return null;
        }
        BigDecimal number = number(node, path);
        if (number == null) {
            return null;
        }
        if (number.stripTrailingZeros().scale() > 0 || number.compareTo(BigDecimal.valueOf(min)) < 0
                || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            fail(node, path, min == 0 ? "must be a whole number, not negative" : "must be a whole number of at least " + min);
            return null;
        }
        return max == Integer.MAX_VALUE ? (Number) number.intValueExact() : (Number) number.longValueExact();
    }

    private void readValue(Node node, String path, Kind kind, Map<String, Object> into, String key) {
        boolean nullValue = isNull(node);
        switch (kind) {
            case TEXT -> {
                String text = text(node, path);
                if (text != null && text.isBlank()) {
                    fail(node, path, "must not be empty");
                } else if (text != null && text.length() > 255) {
                    fail(node, path, "must be at most 255 characters");
                } else if (text != null) {
                    into.put(key, text);
                }
            }
            case NULLABLE_TEXT -> {
                if (nullValue) {
                    into.put(key, null);
                } else {
                    String text = text(node, path);
                    if (text != null) {
                        into.put(key, text);
                    }
                }
            }
            case PROVIDER_TYPE -> {
                String text = text(node, path);
                if (text != null && !ProviderTypes.ALL.contains(text)) {
                    fail(node, path, "'" + text + "' is not one of " + ProviderTypes.ALL);
                } else if (text != null) {
                    into.put(key, text);
                }
            }
            case URL -> {
                if (nullValue) {
                    into.put(key, null);
                    return;
                }
                String text = text(node, path);
                if (text == null) {
                    return;
                }
                String problem = addresses.problemWithUrl(text);
                if (problem != null) {
                    fail(node, path, problem);
                } else {
                    into.put(key, text);
                }
            }
            case TEMPERATURE -> {
                if (nullValue) {
                    into.put(key, null);
                    return;
                }
                BigDecimal number = number(node, path);
                if (number != null && (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(2)) > 0)) {
                    fail(node, path, "must be between 0 and 2");
                } else if (number != null) {
                    into.put(key, number.doubleValue());
                }
            }
            case POSITIVE_INT -> {
                if (nullValue) {
                    into.put(key, null);
                    return;
                }
                BigDecimal number = number(node, path);
                if (number == null) {
                    return;
                }
                if (number.stripTrailingZeros().scale() > 0 || number.compareTo(BigDecimal.ONE) < 0
                        || number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                    fail(node, path, "must be a whole number of at least 1");
                } else {
                    into.put(key, number.intValueExact());
                }
            }
            case BOOLEAN -> {
                String text = scalar(node, path);
                if (text == null) {
                    return;
                }
                if (!(node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL))
                        && !"true".equals(text) && !"false".equals(text)) {
                    fail(node, path, "must be true or false");
                } else {
                    into.put(key, Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT)));
                }
            }
            case PRICE -> {
                if (nullValue) {
                    into.put(key, null);
                    return;
                }
                BigDecimal number = number(node, path);
                String problem = number == null ? null : PriceRows.problem(number);
                if (problem != null) {
                    fail(node, path, problem);
                } else if (number != null) {
                    into.put(key, PriceRows.stored(number));
                }
            }
            case OBJECT -> {
                if (nullValue) {
                    into.put(key, Json.MAPPER.createObjectNode());
                } else if (node instanceof MappingNode) {
                    into.put(key, toJson(node, path));
                } else {
                    fail(node, path, "must be a mapping");
                }
            }
        }
    }

    private JsonNode toJson(Node node, String path) {
        if (node instanceof MappingNode map) {
            ObjectNode object = Json.MAPPER.createObjectNode();
            for (NodeTuple tuple : map.getValue()) {
                String key = keyOf(tuple);
                object.set(key, toJson(tuple.getValueNode(), path + "." + key));
            }
            return object;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (int i = 0; i < seq.getValue().size(); i++) {
                array.add(toJson(seq.getValue().get(i), path + "[" + i + "]"));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT)));
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            try {
                return JsonNodeFactory.instance.numberNode(new BigDecimal(scalar.getValue()));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.textNode(scalar.getValue());
            }
        }
        return JsonNodeFactory.instance.textNode(expand(scalar, scalar.getValue(), path));
    }

    private String text(Node node, String path) {
        if (!(node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            fail(node, path, "must be text");
            return null;
        }
        return expand(s, s.getValue(), path);
    }

    private String scalar(Node node, String path) {
        if (!(node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
            fail(node, path, "must be a single value");
            return null;
        }
        return s.getValue();
    }

    private BigDecimal number(Node node, String path) {
        String text = scalar(node, path);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(expand(node, text, path).trim());
        } catch (NumberFormatException e) {
            fail(node, path, "must be a number");
            return null;
        }
    }

    /** Expands {@code ${env:NAME}}, {@code ${NAME}} and {@code ${NAME:-default}} from the environment. */
    private String expand(Node node, String value, String path) {
        Matcher m = VARIABLE.matcher(value);
        if (!m.find()) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            String name = m.group(2);
            String resolved = environment.apply(name);
            if (resolved == null || resolved.isEmpty()) {
                resolved = m.group(3) != null ? m.group(4) : "";
                if (m.group(3) == null) {
                    warnings.add(file + ":" + line(node) + ": " + path + " uses ${" + name + "}, which is not set; it expands to nothing");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * An {@code api_key} naming a variable that is not set (and has no {@code :-default}) leaves the stored key
     * as it is: a copied example file must not erase, at every start, a key set through the admin API.
     * Only the variable's name is logged, never a value.
     */
    private boolean keepsStoredKey(Node node, String path) {
        if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
            return false;
        }
        Matcher m = VARIABLE.matcher(scalar.getValue());
        while (m.find()) {
            String resolved = environment.apply(m.group(2));
            if ((resolved == null || resolved.isEmpty()) && m.group(3) == null) {
                warnings.add(file + ":" + line(node) + ": " + path + " uses ${" + m.group(2)
                        + "}, which is not set; the stored key is kept (a new provider gets none)");
                return true;
            }
        }
        return false;
    }

    private void requireKey(MappingNode map, String path, Map<String, Object> columns, String key) {
        boolean present = map.getValue().stream().anyMatch(t -> key.equals(keyOf(t)));
        if (!present) {
            fail(map, path + "." + key, "is required");
        }
    }

    private String keyOf(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tuple.getKeyNode());
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private void fail(Node node, String path, String message) {
        problems.add(file + ":" + line(node) + ": " + path + " " + message);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private BootstrapException failure() {
        return new BootstrapException("the registry bootstrap file is invalid; nothing was applied:\n  "
                + String.join("\n  ", problems));
    }

    private static Map<String, Kind> orderedMap(Object... pairs) {
        Map<String, Kind> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return map;
    }
}
