package io.camelllmproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.registry.SqlParams;
import io.camelllmproxy.transform.Json;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parameterised JDBC for the admin resources. Values always travel as parameters; the column names of
 * inserts and updates come from the admin classes' fixed field lists, never from a request.
 */
final class Jdbc {

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            SqlParams.bind(ps, java.util.Arrays.asList(params));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof java.sql.Clob clob) {
                            value = clob.getSubString(1, (int) clob.length());
                        }
                        row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value);
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("registry query failed: " + e.getMessage(), e);
        }
    }

    Map<String, Object> one(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    long count(String sql, Object... params) {
        Map<String, Object> row = one(sql, params);
        return row == null ? 0 : ((Number) row.values().iterator().next()).longValue();
    }

    int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            SqlParams.bind(ps, java.util.Arrays.asList(params));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("registry update failed: " + e.getMessage(), e);
        }
    }

    void insert(String table, Map<String, Object> columns) {
        List<String> names = new ArrayList<>(columns.keySet());
        String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ", created_at, updated_at) VALUES ("
                + "?, ".repeat(names.size()) + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
        if (table.equals("llm_api_keys")) {
            sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ", created_at) VALUES ("
                    + "?, ".repeat(names.size()) + "CURRENT_TIMESTAMP)";
        }
        update(sql, columns.values().toArray());
    }

    int updateById(String table, Map<String, Object> columns, String id) {
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        List<Object> params = new ArrayList<>(columns.values());
        for (String name : columns.keySet()) {
            sql.append(name).append(" = ?, ");
        }
        sql.append("updated_at = CURRENT_TIMESTAMP WHERE id = ?");
        params.add(id);
        return update(sql.toString(), params.toArray());
    }

    /** A timestamp column as ISO-8601 UTC text, whichever type the driver returned. */
    static String iso(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant().toString();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant().toString();
        }
        return value == null ? null : value.toString();
    }

    static JsonNode json(Object value, JsonNode fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Json.MAPPER.readTree(value.toString());
        } catch (java.io.IOException e) {
            return fallback;
        }
    }
}
