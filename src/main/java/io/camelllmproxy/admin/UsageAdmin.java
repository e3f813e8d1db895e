package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /llm/usage}: what the usage ledger ({@code llm_usage}) holds, summed per key, model, provider or day,
 * and its rows page by page. Times are request starts, UTC; {@code from} is inclusive, {@code to} exclusive.
 * Rows written in the last {@code llm.usage.flush-ms} may not be there yet.
 */
public class UsageAdmin {

    /** A summary's grouping: the column (a fixed expression, never a request's text) its rows are summed by. */
    private enum GroupBy {
        KEY("key_id"), MODEL("requested_model"), PROVIDER("provider"),
        // the UTC calendar day; AT TIME ZONE reads the same on H2 and PostgreSQL
        DAY("CAST((created_at AT TIME ZONE 'UTC') AS DATE)");

        final String expression;

        GroupBy(String expression) {
            this.expression = expression;
        }
    }

    /**
     * Sums per group. An error is a row with an error code or an error status (a provider's error may name no code;
     * a stream that failed after its head has status 200 and a code). A row counts as unpriced when it reported
     * tokens for a model without a price.
     */
    private static final String SUMMARY = "SELECT grp, MAX(key_name) AS key_name, COUNT(*) AS requests,"
            + " SUM(CASE WHEN error_code IS NOT NULL OR status >= 400 THEN 1 ELSE 0 END) AS errors,"
            + " COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,"
            + " COALESCE(SUM(cached_tokens), 0) AS cached_tokens, COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens,"
            + " COALESCE(SUM(cost_usd), 0) AS cost_usd,"
            + " SUM(CASE WHEN priced = FALSE AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS unpriced"
            + " FROM (SELECT %s AS grp, u.* FROM llm_usage u WHERE u.created_at >= ? AND u.created_at < ?) t"
            + " GROUP BY grp ORDER BY grp";

    private static final String ROWS = "SELECT * FROM llm_usage WHERE created_at >= ? AND created_at < ?";

    /** The default window: the last day. */
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final Jdbc db;
    private final Clock clock;

    public UsageAdmin(DataSource dataSource, Clock clock) {
        this.db = new Jdbc(dataSource);
        this.clock = clock;
    }

    /** {@code GET /llm/usage?from=&to=&group_by=}. */
    public void summary(Exchange exchange) {
        Window window = window(exchange);
        GroupBy groupBy = groupBy(exchange);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", window.from.toString()).put("to", window.to.toString())
                .put("group_by", groupBy.name().toLowerCase(Locale.ROOT));
        ArrayNode data = out.putArray("data");
        for (Map<String, Object> row : db.query(SUMMARY.formatted(groupBy.expression), window.from, window.to)) {
            ObjectNode group = data.addObject();
            group.put("group", row.get("grp") == null ? null : row.get("grp").toString());
            if (groupBy == GroupBy.KEY) {
                group.put("key_name", ProviderAdmin.str(row.get("key_name")));
            }
            for (String sum : List.of("requests", "errors", "input_tokens", "output_tokens", "cached_tokens",
                    "reasoning_tokens")) {
                group.put(sum, ((Number) row.get(sum)).longValue());
            }
            group.put("cost_usd", decimal(row.get("cost_usd")));
            group.put("unpriced", ((Number) row.get("unpriced")).longValue() > 0);
        }
        AdminIo.reply(exchange, 200, out);
    }

    /** {@code GET /llm/usage/requests?from=&to=&key_id=&model=&page=&page_size=}: newest first. */
    public void requests(Exchange exchange) {
        Window window = window(exchange);
        int page = AdminIo.intParam(exchange, "page", 1, 1, 1_000_000);
        int size = AdminIo.intParam(exchange, "page_size", 50, 1, 500);
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>(List.of(window.from, window.to));
        String keyId = AdminIo.param(exchange, "key_id");
        if (keyId != null && !keyId.isEmpty()) {
            where.append(" AND key_id = ?");
            params.add(keyId);
        }
        String model = AdminIo.param(exchange, "model");
        if (model != null && !model.isEmpty()) {
            where.append(" AND requested_model = ?");
            params.add(model);
        }
        long total = db.count("SELECT COUNT(*) FROM llm_usage WHERE created_at >= ? AND created_at < ?" + where,
                params.toArray());
        params.add(size);
        params.add((long) (page - 1) * size);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", window.from.toString()).put("to", window.to.toString());
        ArrayNode rows = out.putArray("requests");
        for (Map<String, Object> row : db.query(ROWS + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                params.toArray())) {
            rows.add(view(row));
        }
        out.put("total", total).put("page", page).put("page_size", size);
        AdminIo.reply(exchange, 200, out);
    }

    static ObjectNode view(Map<String, Object> row) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", ((Number) row.get("id")).longValue());
        out.put("created_at", Jdbc.iso(row.get("created_at")));
        for (String text : List.of("request_id", "operation", "key_id", "key_name", "requested_model", "model_group",
                "deployment", "provider", "provider_type", "model_id", "response_model")) {
            out.put(text, ProviderAdmin.str(row.get(text)));
        }
        out.put("streamed", Boolean.TRUE.equals(row.get("streamed")));
        out.put("status", ((Number) row.get("status")).intValue());
        out.put("error_code", ProviderAdmin.str(row.get("error_code")));
        for (String number : List.of("input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "latency_ms",
                "ttft_ms", "attempts")) {
            if (row.get(number) instanceof Number n) {
                out.put(number, n.longValue());
            } else {
                out.putNull(number);
            }
        }
        out.put("cost_usd", decimal(row.get("cost_usd")));
        out.put("priced", Boolean.TRUE.equals(row.get("priced")));
        return out;
    }

    private static BigDecimal decimal(Object value) {
        BigDecimal number = value instanceof BigDecimal d ? d : new BigDecimal(String.valueOf(value));
        return number.signum() == 0 ? BigDecimal.ZERO : number.stripTrailingZeros();
    }

    private record Window(Instant from, Instant to) {
    }

    /** from and to, ISO-8601 date-times with an offset or UTC dates; by default the last 24 hours up to now. */
    private Window window(Exchange exchange) {
        Instant now = clock.instant();
        Instant to = instant(exchange, "to", now);
        Instant from = instant(exchange, "from", to.minus(DEFAULT_WINDOW));
        if (!from.isBefore(to)) {
            throw AdminIo.invalidQuery("from", "must be before to");
        }
        return new Window(from, to);
    }

    private static Instant instant(Exchange exchange, String name, Instant fallback) {
        String value = AdminIo.param(exchange, name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        // an unencoded '+' of an offset reaches us as a space (form decoding of the query)
        value = value.trim().replace(' ', '+');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw AdminIo.invalidQuery(name, "must be an ISO-8601 date-time with an offset (2026-01-31T00:00:00Z) "
                        + "or a UTC date (2026-01-31)");
            }
        }
    }

    private static GroupBy groupBy(Exchange exchange) {
        String value = AdminIo.param(exchange, "group_by");
        if (value == null || value.isEmpty()) {
            return GroupBy.MODEL;
        }
        for (GroupBy groupBy : GroupBy.values()) {
            if (groupBy.name().equalsIgnoreCase(value)) {
                return groupBy;
            }
        }
        throw AdminIo.invalidQuery("group_by", "must be key, model, provider or day");
    }
}
