package io.camelllmproxy.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.transform.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Finds and reads the golden fixture folders under {@code src/test/resources/fixtures/<schema>/<case>/}. */
public final class Fixtures {

    /** Numbers compare by value (0 and 0.0 are the same temperature); everything else as Jackson compares it. */
    public static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
    };

    private Fixtures() {
    }

    /**
     * Clears what varies from run to run: {@code created} times, and ids the gateway generates
     * ({@code chatcmpl-...}, {@code call_...}) become {@code chatcmpl-*} and {@code call_*}. Ids that come
     * from the provider are kept and compared.
     */
    public static JsonNode normalise(JsonNode node) {
        JsonNode copy = node.deepCopy();
        normaliseInPlace(copy);
        return copy;
    }

    private static void normaliseInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("created") && object.get("created").isNumber()) {
                object.put("created", 0);
            }
            JsonNode id = object.get("id");
            if (id != null && id.isTextual()) {
                if (id.asText().startsWith("chatcmpl-")) {
                    object.put("id", "chatcmpl-*");
                } else if (id.asText().startsWith("call_")) {
                    object.put("id", "call_*");
                }
            }
            object.elements().forEachRemaining(Fixtures::normaliseInPlace);
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(Fixtures::normaliseInPlace);
        }
    }

    public static Path root() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case folder of every schema, as {@code schema/case} paths. */
    public static List<Path> cases() throws IOException {
        try (Stream<Path> schemas = Files.list(root())) {
            return schemas.filter(Files::isDirectory).flatMap(schema -> {
                try (Stream<Path> cases = Files.list(schema)) {
                    return cases.filter(Files::isDirectory).sorted().toList().stream();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    public static JsonNode json(Path file) throws IOException {
        return Json.MAPPER.readTree(file.toFile());
    }

    /** The registry row a case runs against, from its {@code provider.json}. */
    public static ModelTarget target(Path caseDir, String providerType) throws IOException {
        JsonNode p = json(caseDir.resolve("provider.json"));
        return new ModelTarget("row-1", p.get("model_id").asText(), p.get("model_id").asText(), null, 0L, true,
                "provider-1", "fixture-provider", p.path("provider_type").asText(providerType),
                text(p, "api_base"), text(p, "api_version"),
                p.has("config") ? (ObjectNode) p.get("config") : Json.MAPPER.createObjectNode(),
                p.path("default_temperature").isNumber() ? p.get("default_temperature").asDouble() : null,
                p.path("default_max_tokens").isNumber() ? p.get("default_max_tokens").asInt() : null,
                true, text(p, "api_key"), null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
