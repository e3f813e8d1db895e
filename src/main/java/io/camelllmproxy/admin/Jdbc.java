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
 * inserts and updates come from the admin classes' fixed field lists, never from a request. Statements run
 * inside {@link #inTransaction} share one transaction, so an admin write is all or nothing. A database that
 * cannot be reached becomes 503 {@code database_unavailable}, after at most the pool's connection timeout.
 */
final class Jdbc {

    private final DataSource dataSource;
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    void inTransaction(Runnable work) {
        if (transaction.get() != null) {
            work.run();
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            transaction.set(c);
            try {
                work.run();
                c.commit();
            } catch (RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            } finally {
                transaction.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("registry transaction failed", e);
        }
    }

    List<Map<String, Object>> query(String sql, Object... params) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection().prepareStatement(sql)) {
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
            throw failure("registry query failed", e);
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
        try (Lease lease = lease(); PreparedStatement ps = lease.connection().prepareStatement(sql)) {
            SqlParams.bind(ps, java.util.Arrays.asList(params));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("registry update failed", e);
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

    /** Work on a JDBC connection itself (schema metadata, say). */
    @FunctionalInterface
    interface ConnectionWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on the current transaction's connection, or on a pooled one of its own outside a
     * transaction: never a second connection while one is held. Failures are mapped as every statement's are.
     */
    <T> T withConnection(ConnectionWork<T> work) {
        try (Lease lease = lease()) {
            return work.apply(lease.connection());
        } catch (SQLException e) {
            throw failure("registry metadata query failed", e);
        }
    }

    /** The connection of the current transaction (kept open), or a pooled one of its own (closed after use). */
    private Lease lease() throws SQLException {
        Connection current = transaction.get();
        return current != null ? new Lease(current, false) : new Lease(dataSource.getConnection(), true);
    }

    private record Lease(Connection connection, boolean owned) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (owned) {
                connection.close();
            }
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static RuntimeException failure(String what, SQLException e) {
        if (DatabaseUnavailable.matches(e)) {
            return DatabaseUnavailable.error(e);
        }
        return new IllegalStateException(what + ": " + e.getMessage(), e);
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
