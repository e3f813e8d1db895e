package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ProviderNames;
import io.camelllmproxy.transform.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one admin payload field by field and collects every problem, so the 422 names each bad field
 * at once. Values are read strictly: a number where text belongs is an error, not a conversion.
 */
final class FieldCheck {

    private static final Pattern MARKUP = Pattern.compile("<\\s*/?\\s*[A-Za-z!]|javascript:|on\\w+\\s*=", Pattern.CASE_INSENSITIVE);
    static final int MAX_JSON_DEPTH = 10;

    private final ObjectNode body;
    private final Map<String, String> problems = new LinkedHashMap<>();

    FieldCheck(ObjectNode body, Set<String> allowed) {
        this(body, allowed, Set.of());
    }

    /**
     * {@code readOnly} names (fields of our answers) are let through here, so that a resource's own answer
     * can be sent back; a change checks their values with {@link #readOnlyAsShown}. Other names are refused.
     */
    FieldCheck(ObjectNode body, Set<String> allowed, Set<String> readOnly) {
        this.body = body;
        body.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name) && !readOnly.contains(name)) {
                problems.put(name, "is not a field of this resource");
            }
        });
    }

    /**
     * Read-only fields of a change: each one sent must equal what the resource's answer shows now
     * ({@code current}, its view), so our own answer can be sent back while a stale or invented value is
     * refused rather than silently ignored. Numbers compare by value and timestamps by instant, so a
     * client's re-serialisation of our answer still matches.
     */
    void readOnlyAsShown(Set<String> readOnly, JsonNode current) {
        // in the body's order, so the first problem named is the same from one run to the next
        body.fieldNames().forEachRemaining(field -> {
            JsonNode shown = current.has(field) ? current.get(field) : NullNode.getInstance();
            if (readOnly.contains(field) && !same(shown, body.get(field))) {
                problems.putIfAbsent(field, "is read-only; it cannot be changed");
            }
        });
    }

    private static boolean same(JsonNode shown, JsonNode sent) {
        if (shown.isNumber() && sent.isNumber()) {
            return shown.decimalValue().compareTo(sent.decimalValue()) == 0;
        }
        if (shown.isTextual() && sent.isTextual() && !shown.asText().equals(sent.asText())) {
            Instant a = instant(shown.asText());
            return a != null && a.equals(instant(sent.asText()));
        }
        return shown.equals(sent);
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    boolean has(String field) {
        return body.has(field);
    }

    boolean isNull(String field) {
        return body.has(field) && body.get(field).isNull();
    }

    /** The field's text when it is text, else null; reports nothing (the field's own check does). */
    String peekText(String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    void require(String field) {
        if (!body.has(field) || body.get(field).isNull()) {
            problems.putIfAbsent(field, "is required");
        }
    }

    /**
     * Text of 1..max characters with no control characters or markup; {@code name} applies ContextForge's
     * name rule instead, which alone decides (it admits no control characters or markup).
     */
    String text(String field, int max, boolean name, boolean nullable) {
        String text = string(field, nullable);
        if (text == null) {
            return null;
        }
        if (name) {
            String problem = text.length() > max ? "must be at most " + max + " characters" : ProviderNames.problem(text);
            if (problem != null) {
                problems.putIfAbsent(field, problem);
            }
            return text;
        }
        if (text.isBlank()) {
            problems.putIfAbsent(field, "must not be empty");
        } else if (text.length() > max) {
            problems.putIfAbsent(field, "must be at most " + max + " characters");
        } else if (hasControl(text, false) || MARKUP.matcher(text).find()) {
            problems.putIfAbsent(field, "must not contain control characters or markup");
        }
        return text;
    }

    /** The field's string, or null when absent, null (a problem unless nullable) or not a string (a problem). */
    private String string(String field, boolean nullable) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            if (!nullable) {
                problems.putIfAbsent(field, "must not be null");
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.putIfAbsent(field, "must be a string");
            return null;
        }
        return value.asText();
    }

    /** Free text (descriptions): newlines and tabs allowed, markup not. */
    String description(String field) {
        String text = string(field, true);
        if (text == null) {
            return null;
        }
        if (text.length() > 2000) {
            problems.putIfAbsent(field, "must be at most 2000 characters");
        } else if (hasControl(text, true) || MARKUP.matcher(text).find()) {
            problems.putIfAbsent(field, "must not contain control characters or markup");
        }
        return text;
    }

    /**
     * A secret (API key): any printable text up to 4096 characters; {@code ""} means no key, as {@code null} does
     * (and as it does in the bootstrap file).
     */
    String secret(String field) {
        String text = string(field, true);
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.length() > 4096 || hasControl(text, false) || text.isBlank()) {
            problems.putIfAbsent(field, "must be 1 to 4096 printable characters");
        }
        return text;
    }

    String oneOf(String field, List<String> values) {
        String text = text(field, 64, false, false);
        if (text != null && !values.contains(text) && !problems.containsKey(field)) {
            problems.put(field, "must be one of " + values);
        }
        return text;
    }

    Boolean bool(String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            problems.putIfAbsent(field, "must be true or false");
            return null;
        }
        return value.asBoolean();
    }

    Integer positiveInt(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            problems.putIfAbsent(field, "must be a whole number from 1 to " + Integer.MAX_VALUE);
            return null;
        }
        return value.asInt();
    }

    /** A whole number from {@code min} up (times in milliseconds, say); null when absent or null. */
    Long wholeNumber(String field, long min) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min) {
            problems.putIfAbsent(field, "must be a whole number from " + min + " to " + Long.MAX_VALUE);
            return null;
        }
        return value.asLong();
    }

    /** Takes the problems of {@code inner}, a check of the object under {@code prefix}, naming each as {@code prefix.field}. */
    void include(String prefix, FieldCheck inner) {
        inner.problems.forEach((field, message) -> problems.putIfAbsent(prefix + "." + field, message));
    }

    Double number(String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problems.putIfAbsent(field, "must be a number");
            return null;
        }
        BigDecimal number = value.decimalValue();
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            problems.putIfAbsent(field, "must be between " + min + " and " + max);
            return null;
        }
        return number.doubleValue();
    }

    /**
     * A decimal amount (a price, a budget) checked by {@code problem} (null: fine); null when absent or null. Kept
     * as a BigDecimal, so money is never rounded through a double.
     */
    BigDecimal decimal(String field, java.util.function.Function<BigDecimal, String> problem) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problems.putIfAbsent(field, "must be a number");
            return null;
        }
        String wrong = problem.apply(value.decimalValue());
        if (wrong != null) {
            problems.putIfAbsent(field, wrong);
            return null;
        }
        return value.decimalValue();
    }

    /** A JSON object no deeper than {@link #MAX_JSON_DEPTH} and no larger than 64 KiB. */
    ObjectNode object(String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            problems.putIfAbsent(field, "must be an object");
            return null;
        }
        if (depth(value) > MAX_JSON_DEPTH) {
            problems.putIfAbsent(field, "must not nest deeper than " + MAX_JSON_DEPTH + " levels");
            return null;
        }
        if (Json.compact(value).length > 64 * 1024) {
            problems.putIfAbsent(field, "must be at most 64 KiB");
            return null;
        }
        return (ObjectNode) value;
    }

    /** An array of up to {@code maxItems} strings of up to {@code maxLength} characters each. */
    List<String> strings(String field, int maxItems, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (!value.isArray() || value.size() > maxItems) {
            problems.putIfAbsent(field, "must be an array of at most " + maxItems + " strings");
            return null;
        }
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > maxLength
                    || hasControl(item.asText(), false) || MARKUP.matcher(item.asText()).find()) {
                problems.putIfAbsent(field, "must hold strings of 1 to " + maxLength + " plain characters");
                return null;
            }
            out.add(item.asText());
        }
        return out;
    }

    /** Puts {@code value} under {@code field} when the payload names the field (even as null). */
    void into(Map<String, Object> columns, String field, Object value) {
        if (body.has(field)) {
            columns.put(field, value);
        }
    }

    void problem(String field, String message) {
        problems.putIfAbsent(field, message);
    }

    /** Throws the 422 when any field was wrong. */
    void done() {
        if (problems.isEmpty()) {
            return;
        }
        ArrayNode fields = Json.MAPPER.createArrayNode();
        problems.forEach((field, message) -> fields.addObject().put("field", field).put("message", field + " " + message));
        Map.Entry<String, String> first = problems.entrySet().iterator().next();
        String summary = problems.size() == 1 ? first.getKey() + " " + first.getValue()
                : problems.size() + " fields are invalid, first: " + first.getKey() + " " + first.getValue();
        throw new GatewayException(new OpenAiError(422, OpenAiError.INVALID_REQUEST, "validation_failed", first.getKey(),
                summary, null, fields));
    }

    static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    private static boolean hasControl(String text, boolean allowLineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\n' || c == '\r' || c == '\t';
            if ((Character.isISOControl(c) && !(allowLineBreaks && lineBreak))
                    || c == '\u202e' || c == '\u202d' || c == '\u2066' || c == '\u2067' || c == '\u2068' || c == '\u2069'
                    || c == '\u200b' || c == '\ufeff') {
                return true;
            }
        }
        return false;
    }
}
