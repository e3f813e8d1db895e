package io.camelllmproxy.registry.bootstrap;

import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import io.camelllmproxy.registry.PriceRows;
import io.camelllmproxy.registry.SqlParams;
import io.camelllmproxy.transform.Json;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Upserts bootstrap entries in one transaction: providers by {@code name}, models by
 * ({@code provider_id}, {@code model_id}). Only the columns the file sets are written, so rows edited
 * elsewhere keep what the file does not mention. Column names come from the parser's fixed key lists,
 * never from the file, so building the statements by name is safe.
 */
final class BootstrapWriter {

    record Outcome(int providersInserted, int providersUpdated, int modelsInserted, int modelsUpdated,
                   int groupsInserted, int groupsUpdated) {
    }

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    BootstrapWriter(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    Outcome write(List<BootstrapEntry> entries) throws SQLException {
        return write(entries, List.of(), "");
    }

    /**
     * Providers and models first, then the groups, whose members and names are checked against the registry as
     * it is then (file and database together): a problem there throws and rolls everything back.
     */
    Outcome write(List<BootstrapEntry> entries, List<BootstrapGroup> groups, String file) throws SQLException {
        int[] counts = new int[4];
        BootstrapGroups.Written written;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (BootstrapEntry entry : entries) {
                    String providerId = upsertProvider(c, entry, counts);
                    for (Map<String, Object> model : entry.models()) {
                        upsertModel(c, providerId, model, counts);
                    }
                }
                Map<String, String> fileModels = new HashMap<>();
                entries.forEach(e -> e.models().forEach(m -> fileModels.put(e.name() + "/" + m.get("model_id"),
                        file + ":" + e.line() + ": provider '" + e.name() + "'")));
                written = new BootstrapGroups(c).write(groups, fileModels);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
        return new Outcome(counts[0], counts[1], counts[2], counts[3], written.inserted(), written.updated());
    }

    private String upsertProvider(Connection c, BootstrapEntry entry, int[] counts) throws SQLException {
        Map<String, Object> columns = new LinkedHashMap<>(entry.columns());
        String[] existing = findProvider(c, entry.name());
        if (columns.containsKey("api_key")) {
            columns.put("api_key", encryptedKey((String) columns.get("api_key"), existing == null ? null : existing[1]));
        }
        if (existing == null) {
            String id = newId();
            columns.put("id", id);
            columns.put("slug", uniqueSlug(c, entry.name()));
            columns.putIfAbsent("config", Json.MAPPER.createObjectNode());
            columns.put("plugin_ids", Json.MAPPER.createArrayNode());
            columns.put("health_status", "unknown");
            columns.putIfAbsent("enabled", true);
            columns.put("created_by", "bootstrap");
            insert(c, "llm_providers", columns);
            counts[0]++;
            return id;
        }
        columns.remove("name");
        columns.put("modified_by", "bootstrap");
        update(c, "llm_providers", columns, "id", existing[0]);
        counts[1]++;
        return existing[0];
    }

    private void upsertModel(Connection c, String providerId, Map<String, Object> model, int[] counts)
            throws SQLException {
        Map<String, Object> columns = new LinkedHashMap<>(model);
        Map<String, java.math.BigDecimal> prices = PriceRows.takeFrom(columns);
        String existing = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM llm_models WHERE provider_id = ? AND model_id = ?")) {
            ps.setString(1, providerId);
            ps.setString(2, (String) model.get("model_id"));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    existing = rs.getString(1);
                }
            }
        }
        if (existing == null) {
            columns.put("id", newId());
            columns.put("provider_id", providerId);
            for (String flag : List.of("supports_chat", "supports_streaming", "enabled")) {
                columns.putIfAbsent(flag, true);
            }
            for (String flag : List.of("supports_function_calling", "supports_vision", "deprecated")) {
                columns.putIfAbsent(flag, false);
            }
            insert(c, "llm_models", columns);
            PriceRows.write(c, (String) columns.get("id"), prices);
            counts[2]++;
        } else {
            columns.remove("model_id");
            update(c, "llm_models", columns, "id", existing);
            PriceRows.write(c, existing, prices);
            counts[3]++;
        }
    }

    /** Keeps the stored ciphertext when it already holds this key, so restarts do not rewrite every row. */
    private String encryptedKey(String apiKey, String stored) {
        if (apiKey == null) {
            return null;
        }
        if (stored != null) {
            try {
                if (apiKey.equals(cipher.decryptApiKey(stored))) {
                    return stored;
                }
            } catch (CredentialException e) {
                // stored under another secret: replace it with the file's key
            }
        }
        return cipher.encryptApiKey(apiKey);
    }

    private static String[] findProvider(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, api_key FROM llm_providers WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        }
    }

    private static String uniqueSlug(Connection c, String name) throws SQLException {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (base.isEmpty()) {
            base = "provider";
        }
        String slug = base;
        for (int n = 2; slugTaken(c, slug); n++) {
            slug = base + "-" + n;
        }
        return slug;
    }

    private static boolean slugTaken(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM llm_providers WHERE slug = ?")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void insert(Connection c, String table, Map<String, Object> columns) throws SQLException {
        List<String> names = new ArrayList<>(columns.keySet());
        String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ", created_at, updated_at) VALUES ("
                + "?, ".repeat(names.size()) + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, names, columns);
            ps.executeUpdate();
        }
    }

    static void update(Connection c, String table, Map<String, Object> columns, String keyColumn, String key)
            throws SQLException {
        List<String> names = new ArrayList<>(columns.keySet());
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        for (String name : names) {
            sql.append(name).append(" = ?, ");
        }
        sql.append("updated_at = CURRENT_TIMESTAMP WHERE ").append(keyColumn).append(" = ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, names, columns);
            ps.setString(names.size() + 1, key);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, List<String> names, Map<String, Object> columns) throws SQLException {
        SqlParams.bind(ps, names.stream().map(columns::get).toList());
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
