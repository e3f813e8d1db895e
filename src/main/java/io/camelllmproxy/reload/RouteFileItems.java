package io.camelllmproxy.reload;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The top-level items of a YAML route file ({@code - route:}, {@code - rest:}, {@code - beans:},
 * {@code - routeConfiguration:}) with the lines each spans, so a reload can hand Camel only the items that
 * changed: the file with every other item's lines blanked, which keeps line numbers (and so the lines that
 * error messages name) as they are in the file.
 */
final class RouteFileItems {

    /** One item: its parsed value (for comparison) and its lines, 0-based, {@code last} exclusive. */
    record Item(Object value, int first, int last) {

        /** The route id of a {@code route:} item, or null. */
        String routeId() {
            return value instanceof Map<?, ?> item && item.get("route") instanceof Map<?, ?> route
                    && route.get("id") != null ? route.get("id").toString() : null;
        }

        /** The route configuration ids a {@code route:} item names (comma separated in Camel), or none. */
        Set<String> routeConfigurationIds() {
            if (value instanceof Map<?, ?> item && item.get("route") instanceof Map<?, ?> route
                    && route.get("routeConfigurationId") != null) {
                Set<String> ids = new java.util.LinkedHashSet<>();
                for (String id : route.get("routeConfigurationId").toString().split(",")) {
                    ids.add(id.trim());
                }
                return ids;
            }
            return Set.of();
        }

        /** The id of a {@code routeConfiguration:} item, or null. */
        String routeConfigurationId() {
            return value instanceof Map<?, ?> item && item.get("routeConfiguration") instanceof Map<?, ?> configuration
                    && configuration.get("id") != null ? configuration.get("id").toString() : null;
        }
    }

    private RouteFileItems() {
    }

    /** The items of {@code text}; null when it is not a YAML sequence (Camel then reports the mistake itself). */
    static List<Item> parse(String text) {
        try {
            LoadSettings settings = LoadSettings.builder().setLabel("routes").build();
            Node root = new Compose(settings).composeString(text).orElse(null);
            Object values = new Load(settings).loadFromString(text);
            if (!(root instanceof SequenceNode sequence) || !(values instanceof List<?> list)
                    || list.size() != sequence.getValue().size()) {
                return null;
            }
            int lines = (int) text.lines().count();
            List<Node> nodes = sequence.getValue();
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                int first = nodes.get(i).getStartMark().orElseThrow().getLine();
                int last = i + 1 < nodes.size() ? nodes.get(i + 1).getStartMark().orElseThrow().getLine() : lines;
                items.add(new Item(list.get(i), first, last));
            }
            return items;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code text} with the lines of every item that {@code keep} refuses blanked. */
    static String keepOnly(String text, List<Item> items, Predicate<Item> keep) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        for (Item item : items) {
            if (!keep.test(item)) {
                for (int line = item.first(); line < item.last() && line < lines.size(); line++) {
                    lines.set(line, "");
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
