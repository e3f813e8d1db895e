package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.PriceRows;
import io.camelllmproxy.transform.AzureNames;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code /llm/models}: the reference's model CRUD and state, and {@code /llm/gateway/models}. */
public class ModelAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(ModelAdmin.class);

    private static final Set<String> FIELDS = Set.of("provider_id", "model_id", "model_name", "model_alias", "description",
            "supports_chat", "supports_streaming", "supports_function_calling", "supports_vision", "context_window",
            "max_output_tokens", "enabled", "deprecated", "input_cost_per_mtok", "output_cost_per_mtok",
            "cached_input_cost_per_mtok");
    /**
     * Fields of our answers that a client cannot set. A change may send them as its answer shows them (so an
     * answer can be sent back) and they are ignored; any other value is a 422.
     */
    private static final Set<String> READ_ONLY = Set.of("id", "created_at", "updated_at", "provider_name", "provider_type");
    private static final List<String> FLAGS = List.of("supports_chat", "supports_streaming", "supports_function_calling",
            "supports_vision", "enabled", "deprecated");
    private static final String SELECT = "SELECT m.*, p.name AS provider_name, p.provider_type AS provider_type,"
            + " p.enabled AS provider_enabled, pr.input_cost_per_mtok, pr.output_cost_per_mtok, pr.cached_input_cost_per_mtok"
            + " FROM llm_models m JOIN llm_providers p ON p.id = m.provider_id"
            + " LEFT JOIN llm_model_prices pr ON pr.model_row_id = m.id";

    private final Jdbc db;
    private final Runnable reload;

    public ModelAdmin(javax.sql.DataSource dataSource, Runnable reload) {
        this.db = new Jdbc(dataSource);
        this.reload = DatabaseUnavailable.mapped(reload);
    }

    public void create(Exchange exchange) {
        ObjectNode body = AdminIo.body(exchange);
        String bodyProviderId = new FieldCheck(body, FIELDS, READ_ONLY).peekText("provider_id");
        // a first check answers a bad payload without a transaction; the one that counts runs inside it
        validated(body, null, bodyProviderId == null ? null : providerType(bodyProviderId, false));
        String id = UUID.randomUUID().toString().replace("-", "");
        db.inTransaction(() -> {
            String providerType = providerType(bodyProviderId, true);
            if (providerType == null) {
                throw AdminIo.notFound("provider", bodyProviderId);
            }
            Map<String, Object> columns = validated(body, null, providerType);
            String providerId = (String) columns.get("provider_id");
            if (db.one("SELECT id FROM llm_models WHERE provider_id = ? AND model_id = ?", providerId, columns.get("model_id")) != null) {
                throw AdminIo.conflict("model_id", "The provider already has a model '" + columns.get("model_id") + "'");
            }
            refuseGroupName(columns);
            Map<String, BigDecimal> prices = PriceRows.takeFrom(columns);
            columns.put("id", id);
            for (String flag : FLAGS) {
                columns.putIfAbsent(flag, !flag.equals("supports_function_calling") && !flag.equals("supports_vision")
                        && !flag.equals("deprecated"));
            }
            db.insert("llm_models", columns);
            writePrices(id, prices);
        });
        reload.run();
        AdminIo.reply(exchange, 201, view(existing(id)));
    }

    public void list(Exchange exchange) {
        int page = AdminIo.intParam(exchange, "page", 1, 1, 1_000_000);
        int size = AdminIo.intParam(exchange, "page_size", 50, 1, 500);
        boolean enabledOnly = AdminIo.flag(exchange, "enabled_only", false);
        String providerId = AdminIo.param(exchange, "provider_id");
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (providerId != null && !providerId.isEmpty()) {
            where.add("m.provider_id = ?");
            params.add(providerId);
        }
        if (enabledOnly) {
            where.add("m.enabled = TRUE");
        }
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = db.count("SELECT COUNT(*) FROM llm_models m" + clause, params.toArray());
        params.add(size);
        params.add((long) (page - 1) * size);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("models");
        for (Map<String, Object> row : db.query(SELECT + clause + " ORDER BY p.name, m.model_id LIMIT ? OFFSET ?", params.toArray())) {
            items.add(view(row));
        }
        out.put("total", total).put("page", page).put("page_size", size);
        AdminIo.reply(exchange, 200, out);
    }

    public void get(Exchange exchange) {
        AdminIo.reply(exchange, 200, view(existing(AdminIo.param(exchange, "id"))));
    }

    public void update(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        ObjectNode body = AdminIo.body(exchange);
        boolean[] changed = {false};
        db.inTransaction(() -> {
            String providerType = providerType(ProviderAdmin.str(existing(id).get("provider_id")), true);
            // read again under the provider's lock: a provider deleted meanwhile took the model with it
            Map<String, Object> stored = existing(id);
            Map<String, Object> columns = validated(body, stored, providerType);
            Object modelId = columns.get("model_id");
            if (modelId != null && db.one("SELECT id FROM llm_models WHERE provider_id = ? AND model_id = ? AND id <> ?",
                    stored.get("provider_id"), modelId, id) != null) {
                throw AdminIo.conflict("model_id", "The provider already has a model '" + modelId + "'");
            }
            refuseGroupName(columns);
            Map<String, BigDecimal> prices = PriceRows.takeFrom(columns);
            if (!columns.isEmpty()) {
                db.updateById("llm_models", columns, id);
                changed[0] = true;
            }
            if (!prices.isEmpty()) {
                writePrices(id, prices);
                changed[0] = true;
            }
        });
        if (changed[0]) {
            reload.run();
        }
        AdminIo.reply(exchange, 200, view(existing(id)));
    }

    public void delete(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        List<String> groups = new ArrayList<>();
        String[] name = new String[1];
        db.inTransaction(() -> {
            Map<String, Object> row = existing(id);
            name[0] = row.get("provider_name") + "/" + row.get("model_id");
            groups.clear();
            // the model's group memberships go with it (ON DELETE CASCADE); the groups that lose one are named in the log
            for (Map<String, Object> group : db.query("SELECT DISTINCT g.name FROM llm_model_groups g"
                    + " JOIN llm_model_group_members gm ON gm.group_id = g.id WHERE gm.model_row_id = ? ORDER BY g.name", id)) {
                groups.add(String.valueOf(group.get("name")));
            }
            db.update("DELETE FROM llm_models WHERE id = ?", id);
        });
        if (!groups.isEmpty()) {
            LOG.info("Model '{}' deleted; model groups that lost a member: {}", name[0], String.join(", ", groups));
        }
        reload.run();
        AdminIo.noContent(exchange);
    }

    public void state(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        boolean activate = AdminIo.flag(exchange, "activate", true);
        db.inTransaction(() -> {
            existing(id);
            db.updateById("llm_models", Map.of("enabled", activate), id);
        });
        reload.run();
        AdminIo.reply(exchange, 200, view(existing(id)));
    }

    /**
     * {@code GET /llm/gateway/models}: what the gateway serves for chat now, with each model's provider.
     * Like ContextForge's, it leaves out models marked {@code supports_chat=false}.
     */
    public void gatewayModels(Exchange exchange) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("models");
        for (Map<String, Object> row : db.query(SELECT + " WHERE m.enabled = TRUE AND p.enabled = TRUE AND m.supports_chat = TRUE"
                + " ORDER BY p.name, m.model_name, m.model_id")) {
            ObjectNode item = items.addObject();
            item.put("id", ProviderAdmin.str(row.get("id")));
            item.put("model_id", ProviderAdmin.str(row.get("model_id")));
            item.put("model_name", ProviderAdmin.str(row.get("model_name")));
            item.put("model_alias", ProviderAdmin.str(row.get("model_alias")));
            item.put("provider_id", ProviderAdmin.str(row.get("provider_id")));
            item.put("provider_name", ProviderAdmin.str(row.get("provider_name")));
            item.put("provider_type", ProviderAdmin.str(row.get("provider_type")));
            item.put("supports_streaming", Boolean.TRUE.equals(row.get("supports_streaming")));
            item.put("supports_function_calling", Boolean.TRUE.equals(row.get("supports_function_calling")));
            item.put("supports_vision", Boolean.TRUE.equals(row.get("supports_vision")));
        }
        out.put("count", items.size());
        AdminIo.reply(exchange, 200, out);
    }

    /**
     * The 409 for a {@code model_id} or alias that is a model group's name: the group would win the name (groups
     * are looked up first), so the model could never be reached by it.
     */
    private void refuseGroupName(Map<String, Object> columns) {
        for (String field : List.of("model_id", "model_alias")) {
            Object name = columns.get(field);
            if (name != null && db.one("SELECT id FROM llm_model_groups WHERE name = ?", name) != null) {
                throw AdminIo.conflict(field, "'" + name + "' is the name of a model group; a model id or alias must not be one");
            }
        }
    }

    /**
     * The provider's type, or null when there is no such provider. {@code lock} (inside a transaction) holds
     * the provider's row until it ends, so the type the Azure checks relied on cannot change before the
     * write commits; a provider change to Azure checks its models' ids in turn.
     */
    private String providerType(String providerId, boolean lock) {
        Map<String, Object> row = db.one("SELECT provider_type FROM llm_providers WHERE id = ?" + (lock ? " FOR UPDATE" : ""),
                providerId);
        return row == null ? null : java.util.Objects.toString(row.get("provider_type"), "");
    }

    /**
     * The columns a create or update writes, each checked; {@code stored} is null on create. Read-only
     * fields are ignored on create and on a change must be as the model's answer shows them now.
     */
    private Map<String, Object> validated(ObjectNode body, Map<String, Object> stored, String providerType) {
        boolean create = stored == null;
        FieldCheck check = create ? new FieldCheck(body, FIELDS, READ_ONLY)
                : new FieldCheck(body, without(FIELDS, "provider_id"), with(READ_ONLY, "provider_id"));
        if (create) {
            check.require("provider_id");
            check.require("model_id");
            check.require("model_name");
        } else {
            // A model cannot move: a different id or provider_id means the body is another model's.
            check.readOnlyAsShown(with(READ_ONLY, "provider_id"), view(stored));
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        check.into(columns, "provider_id", check.text("provider_id", 36, false, false));
        String modelId = check.text("model_id", 255, false, false);
        if ("azure_openai".equals(providerType) && AzureNames.isDotSegment(modelId)) {
            check.problem("model_id", "must not be '.' or '..' for an Azure provider (it is the deployment in the URL path)");
        }
        check.into(columns, "model_id", modelId);
        check.into(columns, "model_name", check.text("model_name", 255, false, false));
        check.into(columns, "model_alias", check.text("model_alias", 255, false, true));
        check.into(columns, "description", check.description("description"));
        check.into(columns, "context_window", check.positiveInt("context_window"));
        check.into(columns, "max_output_tokens", check.positiveInt("max_output_tokens"));
        for (String flag : FLAGS) {
            check.into(columns, flag, check.bool(flag));
            if (check.isNull(flag)) {
                check.problem(flag, "must be true or false");
            }
        }
        for (String price : PriceRows.COLUMNS) {
            BigDecimal value = check.decimal(price, PriceRows::problem);
            check.into(columns, price, value == null ? null : PriceRows.stored(value));
        }
        check.done();
        return columns;
    }

    /** The model's prices, in our table beside {@code llm_models}, in the write's transaction. */
    private void writePrices(String modelRowId, Map<String, BigDecimal> prices) {
        db.withConnection(c -> {
            PriceRows.write(c, modelRowId, prices);
            return null;
        });
    }

    private static Set<String> with(Set<String> fields, String field) {
        Set<String> out = new java.util.HashSet<>(fields);
        out.add(field);
        return out;
    }

    private static Set<String> without(Set<String> fields, String field) {
        Set<String> out = new java.util.HashSet<>(fields);
        out.remove(field);
        return out;
    }


    private Map<String, Object> existing(String id) {
        Map<String, Object> row = id == null ? null : load(id);
        if (row == null) {
            throw AdminIo.notFound("model", id);
        }
        return row;
    }

    private Map<String, Object> load(String id) {
        return db.one(SELECT + " WHERE m.id = ?", id);
    }

    static ObjectNode view(Map<String, Object> row) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (String field : List.of("id", "provider_id", "model_id", "model_name", "model_alias", "description")) {
            out.put(field, ProviderAdmin.str(row.get(field)));
        }
        for (String flag : List.of("supports_chat", "supports_streaming", "supports_function_calling", "supports_vision")) {
            out.put(flag, Boolean.TRUE.equals(row.get(flag)));
        }
        for (String number : List.of("context_window", "max_output_tokens")) {
            if (row.get(number) instanceof Number n) {
                out.put(number, n.intValue());
            } else {
                out.putNull(number);
            }
        }
        out.put("enabled", Boolean.TRUE.equals(row.get("enabled")));
        out.put("deprecated", Boolean.TRUE.equals(row.get("deprecated")));
        out.put("created_at", Jdbc.iso(row.get("created_at")));
        out.put("updated_at", Jdbc.iso(row.get("updated_at")));
        out.put("provider_name", ProviderAdmin.str(row.get("provider_name")));
        out.put("provider_type", ProviderAdmin.str(row.get("provider_type")));
        for (String price : PriceRows.COLUMNS) {
            if (row.get(price) instanceof Number n) {
                out.put(price, KeyAdmin.plain(n));
            } else {
                out.putNull(price);
            }
        }
        return out;
    }
}
