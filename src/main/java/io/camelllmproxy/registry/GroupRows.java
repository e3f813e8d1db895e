package io.camelllmproxy.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the rows of {@code sql/model-groups-snapshot.sql} (one per member, ordered by group and position; a group
 * without members comes as one row whose member columns are null) into {@link ModelGroup}s whose members carry the
 * {@link ModelTarget}s of the same snapshot. NULL policy columns get the gateway's defaults here, so a default
 * changed in code reaches every group that never set the value.
 */
final class GroupRows {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRows.class);

    private GroupRows() {
    }

    /** {@code targetsByRowId}: every model of the registry snapshot by row id, servable or not. */
    static List<ModelGroup> toGroups(List<Map<String, Object>> rows, Map<String, ModelTarget> targetsByRowId) {
        Map<String, List<Map<String, Object>>> byGroup = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            byGroup.computeIfAbsent(RegistryRows.string(row.get("group_id")), k -> new ArrayList<>()).add(row);
        }
        List<ModelGroup> groups = new ArrayList<>(byGroup.size());
        for (List<Map<String, Object>> groupRows : byGroup.values()) {
            Map<String, Object> first = groupRows.get(0);
            List<GroupMember> members = new ArrayList<>(groupRows.size());
            for (Map<String, Object> row : groupRows) {
                String modelRowId = RegistryRows.string(row.get("model_row_id"));
                if (modelRowId == null) {
                    continue;
                }
                members.add(new GroupMember(modelRowId, RegistryRows.string(row.get("provider_name")),
                        RegistryRows.string(row.get("model_id")), Math.max(1, integer(row.get("weight"), 1)),
                        targetsByRowId.get(modelRowId)));
            }
            groups.add(new ModelGroup(
                    RegistryRows.string(first.get("group_id")),
                    RegistryRows.string(first.get("group_name")),
                    strategy(first),
                    members,
                    retry(first, members.size()),
                    cooldown(first),
                    // 0 or less (a hand-edited row) would fail every stream at once: the read timeout decides instead
                    first.get("first_token_timeout_ms") instanceof Number n && n.longValue() > 0 ? n.longValue() : null,
                    RegistryRows.epochSeconds(first.get("group_created_at"))));
        }
        return groups;
    }

    /** Attempts default to one per member; values out of range (a hand-edited row) are brought into range. */
    private static RetryPolicy retry(Map<String, Object> row, int memberCount) {
        int attempts = integer(row.get("retry_attempts"), Math.max(1, memberCount));
        long maxWait = row.get("retry_max_wait_ms") instanceof Number n ? n.longValue() : RetryPolicy.DEFAULT_MAX_WAIT_MS;
        return new RetryPolicy(Math.max(1, attempts), Math.max(0, maxWait));
    }

    private static CooldownPolicy cooldown(Map<String, Object> row) {
        Object failures = row.get("cooldown_failures");
        Object seconds = row.get("cooldown_seconds");
        if (failures == null && seconds == null) {
            return CooldownPolicy.DEFAULT;
        }
        return new CooldownPolicy(Math.max(1, integer(failures, CooldownPolicy.DEFAULT.failures())),
                Math.max(0, seconds instanceof Number n ? n.longValue() : CooldownPolicy.DEFAULT.seconds()));
    }

    private static GroupStrategy strategy(Map<String, Object> row) {
        String stored = RegistryRows.string(row.get("strategy"));
        GroupStrategy strategy = GroupStrategy.of(stored);
        if (strategy == null) {
            LOG.warn("Model group '{}' has an unknown strategy '{}'; it is served as fallback",
                    row.get("group_name"), stored);
            return GroupStrategy.FALLBACK;
        }
        return strategy;
    }

    private static int integer(Object value, int fallback) {
        return value instanceof Number n ? n.intValue() : fallback;
    }
}
