package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.auth.ApiKeys;
import io.camelllmproxy.auth.Scopes;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.usage.BudgetPeriod;
import org.apache.camel.Exchange;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /llm/keys}: gateway keys for clients. The key is shown once, in the create answer; only its
 * SHA-256 is stored. Revoking disables the key and reloads the key ring before answering, so the key
 * fails from the next request on.
 */
public class KeyAdmin {

    private static final Set<String> FIELDS = Set.of("name", "scopes", "rpm_limit", "tpm_limit", "expires_at",
            "max_budget_usd", "budget_period");
    /** The largest amount {@code NUMERIC(18, 6)} holds. */
    private static final BigDecimal MAX_BUDGET = new BigDecimal("999999999999.999999");

    private final Jdbc db;
    private final Runnable reload;
    private final java.util.function.Consumer<String> revokeNow;

    /** {@code revokeNow} refuses a key in memory at once, before the reload that may fail with the database. */
    public KeyAdmin(javax.sql.DataSource dataSource, Runnable reload, java.util.function.Consumer<String> revokeNow) {
        this.db = new Jdbc(dataSource);
        this.reload = DatabaseUnavailable.mapped(reload);
        this.revokeNow = revokeNow;
    }

    public void create(Exchange exchange) {
        ObjectNode body = AdminIo.body(exchange);
        FieldCheck check = new FieldCheck(body, FIELDS);
        check.require("name");
        String name = check.text("name", 255, true, false);
        List<String> scopes = check.strings("scopes", 3, 32);
        if (scopes != null && (scopes.isEmpty() || !Scopes.ALL.containsAll(scopes))) {
            check.problem("scopes", "must be a non-empty subset of " + Scopes.ALL);
        }
        Integer rpm = check.positiveInt("rpm_limit");
        Integer tpm = check.positiveInt("tpm_limit");
        Instant expires = null;
        String expiresText = check.text("expires_at", 64, false, true);
        if (expiresText != null) {
            try {
                expires = OffsetDateTime.parse(expiresText).toInstant();
                if (!expires.isAfter(Instant.now())) {
                    check.problem("expires_at", "must be in the future");
                }
            } catch (DateTimeParseException e) {
                check.problem("expires_at", "must be an ISO-8601 date-time with an offset, e.g. 2030-01-01T00:00:00Z");
            }
        }
        BigDecimal budget = check.decimal("max_budget_usd", amount -> amount.signum() < 0 || amount.compareTo(MAX_BUDGET) > 0
                ? "must be a number of USD from 0 to 999999999999" : null);
        String period = check.has("budget_period") && !check.isNull("budget_period")
                ? check.oneOf("budget_period", BudgetPeriod.NAMES) : null;
        boolean budgetSent = check.has("max_budget_usd") && !check.isNull("max_budget_usd");
        if (budgetSent != (period != null)) {
            check.problem(budgetSent ? "budget_period" : "max_budget_usd",
                    "must be set with " + (budgetSent ? "max_budget_usd" : "budget_period") + ": a budget needs both");
        }
        check.done();
        String key = ApiKeys.generate();
        String id = UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("id", id);
        columns.put("name", name);
        columns.put("key_hash", ApiKeys.hashHex(key));
        columns.put("key_prefix", ApiKeys.displayPrefix(key));
        columns.put("scopes", String.join(",", scopes == null ? List.of(Scopes.INVOKE) : scopes));
        columns.put("rpm_limit", rpm);
        columns.put("tpm_limit", tpm);
        columns.put("expires_at", expires);
        columns.put("enabled", true);
        columns.put("max_budget_usd", budget == null ? null : budget.setScale(6, RoundingMode.HALF_UP));
        columns.put("budget_period", period);
        db.insert("llm_api_keys", columns);
        reload.run();
        ObjectNode out = view(db.one("SELECT * FROM llm_api_keys WHERE id = ?", id));
        out.put("key", key);
        AdminIo.reply(exchange, 201, out);
    }

    public void list(Exchange exchange) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode keys = out.putArray("keys");
        for (Map<String, Object> row : db.query("SELECT * FROM llm_api_keys ORDER BY created_at, name")) {
            keys.add(view(row));
        }
        out.put("total", keys.size());
        AdminIo.reply(exchange, 200, out);
    }

    public void revoke(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        if (id == null || db.update("UPDATE llm_api_keys SET enabled = FALSE WHERE id = ?", id) == 0) {
            throw AdminIo.notFound("key", id);
        }
        revokeNow.accept(id);
        reload.run();
        AdminIo.noContent(exchange);
    }

    static ObjectNode view(Map<String, Object> row) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", ProviderAdmin.str(row.get("id")));
        out.put("name", ProviderAdmin.str(row.get("name")));
        out.put("key_prefix", ProviderAdmin.str(row.get("key_prefix")));
        ArrayNode scopes = out.putArray("scopes");
        Arrays.stream(String.valueOf(row.get("scopes")).split(",")).filter(s -> !s.isBlank()).forEach(scopes::add);
        for (String limit : List.of("rpm_limit", "tpm_limit")) {
            if (row.get(limit) instanceof Number n) {
                out.put(limit, n.intValue());
            } else {
                out.putNull(limit);
            }
        }
        if (row.get("max_budget_usd") instanceof Number n) {
            out.put("max_budget_usd", plain(n));
        } else {
            out.putNull("max_budget_usd");
        }
        out.put("budget_period", ProviderAdmin.str(row.get("budget_period")));
        out.put("expires_at", Jdbc.iso(row.get("expires_at")));
        out.put("enabled", Boolean.TRUE.equals(row.get("enabled")));
        out.put("created_at", Jdbc.iso(row.get("created_at")));
        out.put("last_used_at", Jdbc.iso(row.get("last_used_at")));
        return out;
    }

    /** An amount as JSON shows it best: {@code 20}, {@code 0.5}, never {@code 2E+1} or trailing zeros. */
    static BigDecimal plain(Number n) {
        BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        return new BigDecimal(d.stripTrailingZeros().toPlainString());
    }
}
