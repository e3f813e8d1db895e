package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.registry.CooldownPolicy;
import io.camelllmproxy.registry.GroupStrategy;
import io.camelllmproxy.registry.RetryPolicy;
import io.camelllmproxy.transform.Json;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /llm/groups}: model groups (README, "Model groups"), in the shape of the bootstrap file's
 * {@code model_groups} entries. Members name registry models by provider name and {@code model_id}; a change that
 * sends {@code members} replaces them all. A group's name must not be a name a model answers to, nor another
 * group's: 409. Every write is committed, then the in-memory registry reloaded, before the answer.
 */
public class GroupAdmin {

    private static final Set<String> FIELDS = Set.of("name", "strategy", "members", "retry", "cooldown",
            "first_token_timeout_ms");
    /** Fields of our answers a change may send back as shown (so an answer can be sent back); others are 422. */
    private static final Set<String> READ_ONLY = Set.of("id", "created_at", "updated_at");
    private static final Set<String> MEMBER_FIELDS = Set.of("provider", "model_id", "weight");
    /** What a member of our answer shows beyond its fields; ignored when an answer is sent back. */
    private static final Set<String> MEMBER_READ_ONLY = Set.of("model_row_id", "enabled");
    private static final List<String> STRATEGIES = Arrays.stream(GroupStrategy.values()).map(GroupStrategy::id).toList();
    /** More members than this is a mistake rather than a deployment list. */
    static final int MAX_MEMBERS = 64;
    private static final String MEMBERS = "SELECT gm.group_id, gm.position, gm.model_row_id, gm.weight, m.model_id,"
            + " m.enabled AS model_enabled, p.name AS provider_name, p.enabled AS provider_enabled"
            + " FROM llm_model_group_members gm JOIN llm_models m ON m.id = gm.model_row_id"
            + " JOIN llm_providers p ON p.id = m.provider_id";

    /** A member as a payload names it. */
    record Member(String provider, String modelId, int weight) {
    }

    /** A checked payload: the group columns to write and, when the payload sent them, the members. */
    record Change(Map<String, Object> columns, List<Member> members) {
    }

    private final Jdbc db;
    private final Runnable reload;

    public GroupAdmin(javax.sql.DataSource dataSource, Runnable reload) {
        this.db = new Jdbc(dataSource);
        this.reload = DatabaseUnavailable.mapped(reload);
    }

    public void create(Exchange exchange) {
        ObjectNode body = AdminIo.body(exchange);
        Change change = validated(body, null);
        String id = UUID.randomUUID().toString().replace("-", "");
        db.inTransaction(() -> {
            String name = (String) change.columns().get("name");
            refuseNameClash(name, null);
            List<String> rowIds = memberRows(change.members());
            Map<String, Object> columns = new LinkedHashMap<>(change.columns());
            columns.put("id", id);
            columns.putIfAbsent("strategy", GroupStrategy.FALLBACK.id());
            db.insert("llm_model_groups", columns);
            insertMembers(id, change.members(), rowIds);
        });
        reload.run();
        AdminIo.reply(exchange, 201, view(existing(id)));
    }

    public void list(Exchange exchange) {
        int page = AdminIo.intParam(exchange, "page", 1, 1, 1_000_000);
        int size = AdminIo.intParam(exchange, "page_size", 50, 1, 500);
        long total = db.count("SELECT COUNT(*) FROM llm_model_groups");
        List<Map<String, Object>> groups = db.query("SELECT * FROM llm_model_groups ORDER BY name LIMIT ? OFFSET ?",
                size, (long) (page - 1) * size);
        Map<String, List<Map<String, Object>>> members = new HashMap<>();
        if (!groups.isEmpty()) {
            List<Object> ids = groups.stream().map(g -> g.get("id")).toList();
            String in = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
            for (Map<String, Object> row : db.query(MEMBERS + " WHERE gm.group_id IN (" + in + ") ORDER BY gm.position",
                    ids.toArray())) {
                members.computeIfAbsent(ProviderAdmin.str(row.get("group_id")), k -> new ArrayList<>()).add(row);
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("groups");
        for (Map<String, Object> group : groups) {
            items.add(view(new Stored(group, members.getOrDefault(ProviderAdmin.str(group.get("id")), List.of()))));
        }
        out.put("total", total).put("page", page).put("page_size", size);
        AdminIo.reply(exchange, 200, out);
    }

    /** One group, by id or by name. */
    public void get(Exchange exchange) {
        AdminIo.reply(exchange, 200, view(existing(AdminIo.param(exchange, "id"))));
    }

    public void update(Exchange exchange) {
        String idOrName = AdminIo.param(exchange, "id");
        ObjectNode body = AdminIo.body(exchange);
        // a first check answers a bad payload without a transaction; the one that counts runs inside it
        String id = ProviderAdmin.str(existing(idOrName).row().get("id"));
        validated(body, existing(id));
        db.inTransaction(() -> {
            if (db.one("SELECT id FROM llm_model_groups WHERE id = ? FOR UPDATE", id) == null) {
                throw AdminIo.notFound("model group", idOrName);
            }
            Change change = validated(body, existing(id));
            Object name = change.columns().get("name");
            if (name != null) {
                refuseNameClash((String) name, id);
            }
            if (change.members() != null) {
                List<String> rowIds = memberRows(change.members());
                db.update("DELETE FROM llm_model_group_members WHERE group_id = ?", id);
                insertMembers(id, change.members(), rowIds);
            }
            if (!change.columns().isEmpty() || change.members() != null) {
                db.updateById("llm_model_groups", change.columns(), id);
            }
        });
        reload.run();
        AdminIo.reply(exchange, 200, view(existing(id)));
    }

    public void delete(Exchange exchange) {
        String idOrName = AdminIo.param(exchange, "id");
        db.inTransaction(() -> {
            String id = ProviderAdmin.str(existing(idOrName).row().get("id"));
            db.update("DELETE FROM llm_model_group_members WHERE group_id = ?", id);
            db.update("DELETE FROM llm_model_groups WHERE id = ?", id);
        });
        reload.run();
        AdminIo.noContent(exchange);
    }

    /**
     * The columns and members a create or change writes, each checked; {@code stored} is null on create. The
     * {@code retry} and {@code cooldown} objects are replaced whole: a key they leave out (or null) gets its default.
     */
    private Change validated(ObjectNode body, Stored stored) {
        boolean create = stored == null;
        FieldCheck check = new FieldCheck(body, FIELDS, READ_ONLY);
        if (create) {
            check.require("name");
            check.require("members");
        } else {
            check.readOnlyAsShown(READ_ONLY, view(stored));
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        check.into(columns, "name", check.text("name", 255, false, false));
        check.into(columns, "strategy", check.oneOf("strategy", STRATEGIES));
        if (body.has("retry")) {
            FieldCheck retry = nested(check, body, "retry", Set.of("attempts", "max_wait_ms"));
            columns.put("retry_attempts", retry == null ? null : retry.positiveInt("attempts"));
            columns.put("retry_max_wait_ms", retry == null ? null : retry.wholeNumber("max_wait_ms", 0));
            include(check, "retry", retry);
        }
        if (body.has("cooldown")) {
            FieldCheck cooldown = nested(check, body, "cooldown", Set.of("failures", "seconds"));
            columns.put("cooldown_failures", cooldown == null ? null : cooldown.positiveInt("failures"));
            Long seconds = cooldown == null ? null : cooldown.wholeNumber("seconds", 0);
            if (seconds != null && seconds > Integer.MAX_VALUE) {
                check.problem("cooldown.seconds", "must be at most " + Integer.MAX_VALUE);
            }
            columns.put("cooldown_seconds", seconds == null ? null : seconds.intValue());
            include(check, "cooldown", cooldown);
        }
        // a stream silent for no time at all could never be served: the smallest timeout is 1 ms
        check.into(columns, "first_token_timeout_ms", check.wholeNumber("first_token_timeout_ms", 1));
        List<Member> members = body.has("members") ? members(check, body.get("members")) : null;
        check.done();
        return new Change(columns, members);
    }

    /** A check of the object under {@code field}, or null when it is null (defaults) or not an object (a problem). */
    private static FieldCheck nested(FieldCheck check, ObjectNode body, String field, Set<String> keys) {
        if (body.get(field).isNull()) {
            return null;
        }
        ObjectNode value = check.object(field);
        return value == null ? null : new FieldCheck(value, keys);
    }

    private static void include(FieldCheck check, String prefix, FieldCheck inner) {
        if (inner != null) {
            check.include(prefix, inner);
        }
    }

    private static List<Member> members(FieldCheck check, JsonNode value) {
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > MAX_MEMBERS) {
            check.problem("members", "must be a list of 1 to " + MAX_MEMBERS + " members, each {provider, model_id, weight}");
            return List.of();
        }
        List<Member> members = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < value.size(); i++) {
            String path = "members[" + i + "]";
            if (!(value.get(i) instanceof ObjectNode item)) {
                check.problem(path, "must be an object {provider, model_id, weight}");
                continue;
            }
            FieldCheck member = new FieldCheck(item, MEMBER_FIELDS, MEMBER_READ_ONLY);
            member.require("provider");
            member.require("model_id");
            String provider = member.text("provider", 255, false, false);
            String modelId = member.text("model_id", 255, false, false);
            Integer weight = member.positiveInt("weight");
            if (member.isNull("weight")) {
                member.problem("weight", "must be a whole number from 1 to " + Integer.MAX_VALUE);
            }
            check.include(path, member);
            if (provider != null && modelId != null) {
                Integer before = seen.putIfAbsent(provider + "/" + modelId, i);
                if (before != null) {
                    check.problem(path, "names " + provider + "/" + modelId + " again (members[" + before + "])");
                }
                members.add(new Member(provider, modelId, weight == null ? 1 : weight));
            }
        }
        return members;
    }

    /**
     * The 409 for a name a client could not tell from a model's: a model's row id, {@code model_id}, alias or
     * {@code provider/model_id}, or another group's name ({@code self}: the group being changed).
     */
    private void refuseNameClash(String name, String self) {
        Map<String, Object> group = db.one("SELECT id FROM llm_model_groups WHERE name = ?", name);
        if (group != null && !group.get("id").toString().equals(self)) {
            throw AdminIo.conflict("name", "A model group named '" + name + "' already exists");
        }
        Map<String, Object> model = db.one("SELECT p.name AS provider_name, m.model_id FROM llm_models m"
                + " JOIN llm_providers p ON p.id = m.provider_id WHERE m.model_id = ? OR m.model_alias = ? OR m.id = ?"
                + " OR p.name || '/' || m.model_id = ?", name, name, name, name);
        if (model != null) {
            throw AdminIo.conflict("name", "'" + name + "' already names the model " + model.get("provider_name") + "/"
                    + model.get("model_id") + "; a group name must not equal a model id or alias");
        }
    }

    /** The row id of each member's model, or the 422 naming every provider or model that does not exist. */
    private List<String> memberRows(List<Member> members) {
        FieldCheck check = new FieldCheck(Json.MAPPER.createObjectNode(), Set.of());
        List<String> rowIds = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            Map<String, Object> row = db.one("SELECT m.id FROM llm_models m JOIN llm_providers p ON p.id = m.provider_id"
                    + " WHERE p.name = ? AND m.model_id = ?", member.provider(), member.modelId());
            if (row != null) {
                rowIds.add(row.get("id").toString());
            } else if (db.one("SELECT id FROM llm_providers WHERE name = ?", member.provider()) == null) {
                check.problem("members[" + i + "].provider", "'" + member.provider() + "' is not a provider");
            } else {
                check.problem("members[" + i + "].model_id", "provider '" + member.provider() + "' has no model '"
                        + member.modelId() + "'");
            }
        }
        check.done();
        return rowIds;
    }

    private void insertMembers(String groupId, List<Member> members, List<String> rowIds) {
        for (int i = 0; i < members.size(); i++) {
            db.update("INSERT INTO llm_model_group_members (group_id, position, model_row_id, weight) VALUES (?, ?, ?, ?)",
                    groupId, i, rowIds.get(i), members.get(i).weight());
        }
    }

    /** A group's row and its members' rows (with their models' names), in position order. */
    private record Stored(Map<String, Object> row, List<Map<String, Object>> members) {
    }

    private Stored existing(String idOrName) {
        Map<String, Object> row = idOrName == null ? null : db.one("SELECT * FROM llm_model_groups WHERE id = ?", idOrName);
        if (row == null && idOrName != null) {
            row = db.one("SELECT * FROM llm_model_groups WHERE name = ?", idOrName);
        }
        if (row == null) {
            throw AdminIo.notFound("model group", idOrName);
        }
        return new Stored(row, db.query(MEMBERS + " WHERE gm.group_id = ? ORDER BY gm.position", row.get("id")));
    }

    /** A group as answered: its fields with the defaults the gateway applies where none is set. */
    private static ObjectNode view(Stored stored) {
        Map<String, Object> row = stored.row();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", ProviderAdmin.str(row.get("id")));
        out.put("name", ProviderAdmin.str(row.get("name")));
        out.put("strategy", ProviderAdmin.str(row.get("strategy")));
        ArrayNode members = out.putArray("members");
        for (Map<String, Object> m : stored.members()) {
            members.addObject()
                    .put("provider", ProviderAdmin.str(m.get("provider_name")))
                    .put("model_id", ProviderAdmin.str(m.get("model_id")))
                    .put("weight", ((Number) m.get("weight")).intValue())
                    .put("model_row_id", ProviderAdmin.str(m.get("model_row_id")))
                    .put("enabled", Boolean.TRUE.equals(m.get("model_enabled")) && Boolean.TRUE.equals(m.get("provider_enabled")));
        }
        out.putObject("retry")
                .put("attempts", row.get("retry_attempts") instanceof Number n ? n.intValue() : Math.max(1, stored.members().size()))
                .put("max_wait_ms", row.get("retry_max_wait_ms") instanceof Number n ? n.longValue() : RetryPolicy.DEFAULT_MAX_WAIT_MS);
        out.putObject("cooldown")
                .put("failures", row.get("cooldown_failures") instanceof Number n ? n.intValue() : CooldownPolicy.DEFAULT.failures())
                .put("seconds", row.get("cooldown_seconds") instanceof Number n ? n.longValue() : CooldownPolicy.DEFAULT.seconds());
        if (row.get("first_token_timeout_ms") instanceof Number n) {
            out.put("first_token_timeout_ms", n.longValue());
        } else {
            out.putNull("first_token_timeout_ms");
        }
        out.put("created_at", Jdbc.iso(row.get("created_at")));
        out.put("updated_at", Jdbc.iso(row.get("updated_at")));
        return out;
    }
}
