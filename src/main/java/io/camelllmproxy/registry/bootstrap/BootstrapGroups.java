package io.camelllmproxy.registry.bootstrap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upserts the file's model groups by name inside the bootstrap's transaction, after its providers and models:
 * a group's policy columns are written as the file sets them, its members replaced by the file's. What only the
 * registry can tell (a member's model does not exist, a group name a model already answers to) is collected
 * and thrown as one {@link BootstrapException} naming each {@code file:line}, which rolls the whole file back.
 */
final class BootstrapGroups {

    /** Every group whose name a model answers to: its row id, model_id, alias or provider/model_id. */
    private static final String NAME_CLASHES = "SELECT g.name AS group_name, p.name AS provider_name, m.model_id"
            + " FROM llm_model_groups g CROSS JOIN llm_models m JOIN llm_providers p ON p.id = m.provider_id"
            + " WHERE m.model_id = g.name OR m.model_alias = g.name OR m.id = g.name OR p.name || '/' || m.model_id = g.name"
            + " ORDER BY g.name, p.name, m.model_id";

    private final Connection c;
    private final List<String> problems = new ArrayList<>();

    BootstrapGroups(Connection c) {
        this.c = c;
    }

    /** Groups inserted and updated by {@link #write}. */
    record Written(int inserted, int updated) {
    }

    /**
     * Upserts the file's groups. {@code fileModels}: where the file names each of its models
     * ({@code provider/model_id}), which must not take a stored group's name either.
     */
    Written write(List<BootstrapGroup> groups, Map<String, String> fileModels) throws SQLException {
        int inserted = 0;
        int updated = 0;
        Map<String, String> where = new LinkedHashMap<>();
        for (BootstrapGroup group : groups) {
            where.put(group.name(), group.where());
            List<String> rowIds = memberRows(group);
            if (rowIds == null) {
                continue;
            }
            String id = groupId(group.name());
            Map<String, Object> columns = new LinkedHashMap<>(group.columns());
            if (id == null) {
                id = BootstrapWriter.newId();
                columns.put("id", id);
                columns.put("name", group.name());
                columns.putIfAbsent("strategy", "fallback");
                BootstrapWriter.insert(c, "llm_model_groups", columns);
                inserted++;
            } else {
                BootstrapWriter.update(c, "llm_model_groups", columns, "id", id);
                updated++;
            }
            replaceMembers(id, group.members(), rowIds);
        }
        clashes(where, fileModels);
        if (!problems.isEmpty()) {
            throw new BootstrapException("the registry bootstrap file is invalid; nothing was applied:\n  "
                    + String.join("\n  ", problems));
        }
        return new Written(inserted, updated);
    }

    /** The model row of each member, or null after noting each one that does not exist. */
    private List<String> memberRows(BootstrapGroup group) throws SQLException {
        List<String> rowIds = new ArrayList<>();
        boolean complete = true;
        for (BootstrapGroup.Member member : group.members()) {
            String rowId = one("SELECT m.id FROM llm_models m JOIN llm_providers p ON p.id = m.provider_id"
                    + " WHERE p.name = ? AND m.model_id = ?", member.provider(), member.modelId());
            if (rowId != null) {
                rowIds.add(rowId);
                continue;
            }
            complete = false;
            if (one("SELECT id FROM llm_providers WHERE name = ?", member.provider()) == null) {
                problems.add(member.where() + ".provider '" + member.provider() + "' is not a provider of the file or the registry");
            } else {
                problems.add(member.where() + ".model_id provider '" + member.provider() + "' has no model '"
                        + member.modelId() + "'");
            }
        }
        return complete ? rowIds : null;
    }

    /**
     * Every group whose name a model answers to, where the file made either of them: the group would take the name
     * from the model. A clash between a stored group and a model the file does not name (one ContextForge added,
     * say) does not stop the start: the group keeps the name, as it does at request time.
     */
    private void clashes(Map<String, String> where, Map<String, String> fileModels) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NAME_CLASHES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String group = rs.getString("group_name");
                String model = rs.getString("provider_name") + "/" + rs.getString("model_id");
                if (where.containsKey(group)) {
                    problems.add(where.get(group) + ".name '" + group + "' already names the model " + model
                            + "; a group name must not equal a model id or alias");
                } else if (fileModels.containsKey(model)) {
                    problems.add(fileModels.get(model) + " model '" + rs.getString("model_id") + "' takes the name '" + group
                            + "' of a stored model group; a model id or alias must not be one");
                }
            }
        }
    }

    private void replaceMembers(String groupId, List<BootstrapGroup.Member> members, List<String> rowIds) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM llm_model_group_members WHERE group_id = ?")) {
            delete.setString(1, groupId);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO llm_model_group_members (group_id, position, model_row_id, weight) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < members.size(); i++) {
                insert.setString(1, groupId);
                insert.setInt(2, i);
                insert.setString(3, rowIds.get(i));
                insert.setInt(4, members.get(i).weight());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private String groupId(String name) throws SQLException {
        return one("SELECT id FROM llm_model_groups WHERE name = ?", name);
    }

    private String one(String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
