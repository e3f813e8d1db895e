package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.registry.ProviderTypes;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.registry.RetryConfig;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.transform.AzureNames;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.transform.StreamUsage;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /llm/providers}: the reference's provider CRUD, state and health, with its status codes. Keys
 * never leave the gateway (answers say {@code api_key_set}); config secrets are masked and kept when sent
 * back masked. Every write is committed, then the in-memory registry reloaded, before the answer.
 */
public class ProviderAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderAdmin.class);

    private static final Set<String> FIELDS = Set.of("name", "description", "provider_type", "api_key", "api_base",
            "api_version", "config", "default_model", "default_temperature", "default_max_tokens", "enabled", "plugin_ids");
    /**
     * Fields of our answers that a client cannot set. A change may send them as its answer shows them (so an
     * answer can be sent back) and they are ignored; any other value is a 422.
     */
    private static final Set<String> READ_ONLY = Set.of("id", "slug", "health_status", "last_health_check", "created_at",
            "updated_at", "created_by", "modified_by", "model_count", "api_key_set");
    /** ContextForge's default for {@code default_temperature}, which its schema cannot leave empty. */
    private static final double CONTEXTFORGE_TEMPERATURE = 0.7;
    private static final String SELECT = "SELECT p.*, (SELECT COUNT(*) FROM llm_models m WHERE m.provider_id = p.id)"
            + " AS model_count FROM llm_providers p";

    private final Jdbc db;
    private final CredentialCipher cipher;
    private final UpstreamAddressPolicy addresses;
    private final Runnable reload;
    private final ProviderHealthCheck health;
    /**
     * Whether the schema admits a provider without a default temperature; read once, on first use, on the
     * connection the caller already holds (a transaction's own, inside one).
     */
    private volatile Boolean temperatureNullable;

    public ProviderAdmin(javax.sql.DataSource dataSource, CredentialCipher cipher, UpstreamAddressPolicy addresses,
                         Runnable reload, ProviderHealthCheck health) {
        this.db = new Jdbc(dataSource);
        this.cipher = cipher;
        this.addresses = addresses;
        this.reload = DatabaseUnavailable.mapped(reload);
        this.health = health;
    }

    public void create(Exchange exchange) {
        ObjectNode body = AdminIo.body(exchange);
        Map<String, Object> columns = validated(body, null, addressProblem(body));
        String name = (String) columns.get("name");
        String id = UUID.randomUUID().toString().replace("-", "");
        db.inTransaction(() -> {
            if (db.one("SELECT id FROM llm_providers WHERE name = ?", name) != null) {
                throw AdminIo.conflict("name", "A provider named '" + name + "' already exists");
            }
            columns.put("id", id);
            columns.put("slug", uniqueSlug(name));
            columns.putIfAbsent("config", Json.MAPPER.createObjectNode());
            columns.putIfAbsent("plugin_ids", Json.MAPPER.createArrayNode());
            columns.putIfAbsent("enabled", true);
            columns.put("health_status", "unknown");
            columns.put("created_by", "admin-api");
            db.insert("llm_providers", columns);
        });
        reload.run();
        AdminIo.reply(exchange, 201, view(existing(id)));
    }

    public void list(Exchange exchange) {
        int page = AdminIo.intParam(exchange, "page", 1, 1, 1_000_000);
        int size = AdminIo.intParam(exchange, "page_size", 50, 1, 500);
        boolean enabledOnly = AdminIo.flag(exchange, "enabled_only", false);
        String where = enabledOnly ? " WHERE p.enabled = TRUE" : "";
        long total = db.count("SELECT COUNT(*) FROM llm_providers p" + where);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("providers");
        for (Map<String, Object> row : db.query(SELECT + where + " ORDER BY p.name LIMIT ? OFFSET ?", size, (long) (page - 1) * size)) {
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
        // Checked first against a read outside the transaction, with the slow part (the DNS lookup of
        // api_base) done there too: a slow resolver must not hold one of the admin pool's few connections.
        // The transaction then locks the row and re-checks against what it holds, cheaply.
        Map<String, Object> first = existing(id);
        String addressProblem = addressProblem(body);
        validated(body, first, addressProblem);
        boolean[] changed = {false};
        db.inTransaction(() -> {
            if (db.one("SELECT id FROM llm_providers WHERE id = ? FOR UPDATE", id) == null) {
                throw AdminIo.notFound("provider", id);
            }
            Map<String, Object> stored = existing(id);
            Map<String, Object> columns = validated(body, stored, addressProblem);
            Object name = columns.get("name");
            if (name != null && db.one("SELECT id FROM llm_providers WHERE name = ? AND id <> ?", name, id) != null) {
                throw AdminIo.conflict("name", "A provider named '" + name + "' already exists");
            }
            if (!columns.isEmpty()) {
                columns.put("modified_by", "admin-api");
                db.updateById("llm_providers", columns, id);
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
        // one transaction: a provider never survives without its models, nor models without their provider
        db.inTransaction(() -> {
            // locked first, as model writes lock it: a model cannot be added while its provider goes
            Map<String, Object> row = db.one("SELECT name FROM llm_providers WHERE id = ? FOR UPDATE", id);
            if (row == null) {
                throw AdminIo.notFound("provider", id);
            }
            name[0] = str(row.get("name"));
            // the members go with the models (ON DELETE CASCADE); the groups that lose one are named in the log
            for (Map<String, Object> group : db.query("SELECT DISTINCT g.name FROM llm_model_groups g"
                    + " JOIN llm_model_group_members gm ON gm.group_id = g.id JOIN llm_models m ON m.id = gm.model_row_id"
                    + " WHERE m.provider_id = ? ORDER BY g.name", id)) {
                groups.add(str(group.get("name")));
            }
            db.update("DELETE FROM llm_models WHERE provider_id = ?", id);
            db.update("DELETE FROM llm_providers WHERE id = ?", id);
        });
        if (!groups.isEmpty()) {
            LOG.info("Provider '{}' deleted; model groups that lost a member: {}", name[0], String.join(", ", groups));
        }
        reload.run();
        AdminIo.noContent(exchange);
    }

    public void state(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        boolean activate = AdminIo.flag(exchange, "activate", true);
        db.inTransaction(() -> {
            existing(id);
            db.updateById("llm_providers", Map.of("enabled", activate), id);
        });
        reload.run();
        AdminIo.reply(exchange, 200, view(existing(id)));
    }

    public void health(Exchange exchange) {
        String id = AdminIo.param(exchange, "id");
        ObjectNode result = health.check(existing(id));
        db.update("UPDATE llm_providers SET health_status = ?, last_health_check = CURRENT_TIMESTAMP WHERE id = ?",
                result.get("status").asText(), id);
        AdminIo.reply(exchange, 200, result);
    }

    /** Why the body's {@code api_base} may not be used, or null; resolves its host, so may take a while. */
    private String addressProblem(ObjectNode body) {
        JsonNode apiBase = body.get("api_base");
        return apiBase != null && apiBase.isTextual() ? addresses.problemWithUrl(apiBase.asText()) : null;
    }

    /**
     * The columns a create or update writes, each checked; {@code stored} is null on create, and
     * {@code addressProblem} is {@link #addressProblem} of the body, found beforehand. Read-only fields are
     * ignored on create (a provider's answer may serve as the template of another) and on a change must be
     * as the provider's answer shows them now.
     */
    private Map<String, Object> validated(ObjectNode body, Map<String, Object> stored, String addressProblem) {
        boolean create = stored == null;
        FieldCheck check = new FieldCheck(body, FIELDS, READ_ONLY);
        if (create) {
            check.require("name");
            check.require("provider_type");
        } else {
            check.readOnlyAsShown(READ_ONLY, view(stored));
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        check.into(columns, "name", check.text("name", 255, true, false));
        check.into(columns, "provider_type", check.oneOf("provider_type", ProviderTypes.ALL));
        check.into(columns, "description", check.description("description"));
        String apiBase = check.text("api_base", 512, false, true);
        if (apiBase != null && addressProblem != null) {
            check.problem("api_base", addressProblem);
        }
        check.into(columns, "api_base", apiBase);
        String version = check.text("api_version", 50, false, true);
        if (version != null && !version.matches("[A-Za-z0-9._-]+")) {
            check.problem("api_version", "may hold only letters, digits, '.', '_' and '-'");
        }
        check.into(columns, "api_version", version);
        check.into(columns, "default_model", check.text("default_model", 255, false, true));
        temperature(check, columns, create);
        check.into(columns, "default_max_tokens", check.positiveInt("default_max_tokens"));
        check.into(columns, "enabled", check.bool("enabled"));
        if (check.isNull("enabled")) {
            check.problem("enabled", "must be true or false");
        }
        List<String> plugins = check.strings("plugin_ids", 100, 255);
        if (check.has("plugin_ids")) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            if (plugins != null) {
                plugins.forEach(array::add);
            }
            columns.put("plugin_ids", array);
        }
        ObjectNode config = check.object("config");
        if (check.isNull("config")) {
            config = Json.MAPPER.createObjectNode();
        }
        String key = check.secret("api_key");
        // the failover steps read config.retry for the provider's plain models: a bad value is refused here
        RetryConfig.problems(config).forEach((field, problem) ->
                check.problem("config.retry" + (field.isEmpty() ? "" : "." + field), problem));
        String streamUsage = StreamUsage.problem(config);
        if (streamUsage != null) {
            check.problem("config." + StreamUsage.CONFIG_KEY, streamUsage);
        }
        azureNames(check, create ? null : stored, config);
        // only a change to Azure is checked here; an Azure provider's bad rows are refused at request time
        if (!create && "azure_openai".equals(check.peekText("provider_type"))
                && !"azure_openai".equals(str(stored.get("provider_type")))) {
            dotSegmentModels(check, str(stored.get("id")));
        }
        check.done();
        if (config != null) {
            columns.put("config", ConfigSecrets.protect(config, create ? null : Jdbc.json(stored.get("config"), null), cipher));
        }
        if (check.has("api_key")) {
            if (key == null) {
                columns.put("api_key", null);
            } else if (!ConfigSecrets.MASK.equals(key)) {
                columns.put("api_key", cipher.encryptApiKey(key));
            }
        }
        return columns;
    }


    /**
     * {@code default_temperature}. On our schema null means "no provider default" and is stored. On
     * ContextForge's ({@code NOT NULL DEFAULT 0.7}) we do what ContextForge's API does: a create without it
     * gets 0.7, a create with null is a 422 (its create schema wants a number), and null in a change leaves
     * the stored value (its update skips nulls). Either way no write can fail on the column.
     */
    private void temperature(FieldCheck check, Map<String, Object> columns, boolean create) {
        Double value = check.number("default_temperature", 0, 2);
        boolean explicitNull = check.isNull("default_temperature");
        if (!explicitNull && value == null && check.has("default_temperature")) {
            return;
        }
        if (schemaAllowsNoTemperature()) {
            check.into(columns, "default_temperature", value);
        } else if (value != null) {
            columns.put("default_temperature", value);
        } else if (explicitNull && create) {
            check.problem("default_temperature", "must be a number from 0 to 2 on this database (ContextForge's schema"
                    + " requires one); leave it out for " + CONTEXTFORGE_TEMPERATURE);
        } else if (create) {
            columns.put("default_temperature", CONTEXTFORGE_TEMPERATURE);
        }
    }

    private boolean schemaAllowsNoTemperature() {
        Boolean known = temperatureNullable;
        if (known == null) {
            known = db.withConnection(c -> RegistryDatabase.nullable(c, "llm_providers", "default_temperature"));
            temperatureNullable = known;
        }
        return known;
    }

    /**
     * Azure puts {@code config.resource_name} into the host and the deployment into the path: both must fit.
     * A change is checked when it sends the config or the type; one that touches neither leaves them to the
     * check at request time.
     */
    private static void azureNames(FieldCheck check, Map<String, Object> stored, ObjectNode incomingConfig) {
        if (stored != null && !check.has("config") && !check.has("provider_type")) {
            return;
        }
        String type = check.has("provider_type") ? check.peekText("provider_type")
                : stored == null ? null : str(stored.get("provider_type"));
        if (!"azure_openai".equals(type)) {
            return;
        }
        JsonNode config = incomingConfig != null ? incomingConfig
                : stored == null ? null : Jdbc.json(stored.get("config"), null);
        String problem = AzureNames.resourceNameProblem(config);
        if (problem != null) {
            check.problem("config.resource_name", problem);
        }
        String deploymentKey = AzureNames.dotSegmentDeploymentKey(config);
        if (deploymentKey != null) {
            check.problem("config." + deploymentKey, "must not be '.' or '..'");
        }
    }

    /** A provider becoming Azure puts its models' ids into the URL path as deployments: '.' and '..' cannot be. */
    private void dotSegmentModels(FieldCheck check, String id) {
        for (Map<String, Object> model : db.query("SELECT model_id FROM llm_models WHERE provider_id = ?", id)) {
            if (AzureNames.isDotSegment(str(model.get("model_id")))) {
                check.problem("provider_type", "cannot become azure_openai while a model's model_id is '.' or '..' "
                        + "(it would be the deployment in the URL path)");
            }
        }
    }

    private Map<String, Object> existing(String id) {
        Map<String, Object> row = id == null ? null : load(id);
        if (row == null) {
            throw AdminIo.notFound("provider", id);
        }
        return row;
    }

    private Map<String, Object> load(String id) {
        return db.one(SELECT + " WHERE p.id = ?", id);
    }

    private String uniqueSlug(String name) {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String slug = base.isEmpty() ? "provider" : base;
        for (int n = 2; db.one("SELECT id FROM llm_providers WHERE slug = ?", slug) != null; n++) {
            slug = (base.isEmpty() ? "provider" : base) + "-" + n;
        }
        return slug;
    }

    /** A provider as clients see it: no key, masked config secrets, and whether a key is set. */
    static ObjectNode view(Map<String, Object> row) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", str(row.get("id")));
        out.put("name", str(row.get("name")));
        out.put("slug", str(row.get("slug")));
        out.put("description", str(row.get("description")));
        out.put("provider_type", str(row.get("provider_type")));
        out.put("api_base", str(row.get("api_base")));
        out.put("api_version", str(row.get("api_version")));
        out.set("config", ConfigSecrets.mask(Jdbc.json(row.get("config"), Json.MAPPER.createObjectNode())));
        out.put("default_model", str(row.get("default_model")));
        if (row.get("default_temperature") instanceof Number n) {
            out.put("default_temperature", n.doubleValue());
        } else {
            out.putNull("default_temperature");
        }
        if (row.get("default_max_tokens") instanceof Number n) {
            out.put("default_max_tokens", n.intValue());
        } else {
            out.putNull("default_max_tokens");
        }
        out.put("enabled", Boolean.TRUE.equals(row.get("enabled")));
        out.put("health_status", str(row.get("health_status")));
        out.put("last_health_check", Jdbc.iso(row.get("last_health_check")));
        JsonNode plugins = Jdbc.json(row.get("plugin_ids"), Json.MAPPER.createArrayNode());
        out.set("plugin_ids", plugins.isArray() ? plugins : Json.MAPPER.createArrayNode());
        out.put("created_at", Jdbc.iso(row.get("created_at")));
        out.put("updated_at", Jdbc.iso(row.get("updated_at")));
        out.put("created_by", str(row.get("created_by")));
        out.put("modified_by", str(row.get("modified_by")));
        out.put("model_count", row.get("model_count") instanceof Number n ? n.longValue() : 0);
        Object key = row.get("api_key");
        out.put("api_key_set", key != null && !key.toString().isBlank());
        return out;
    }

    static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
