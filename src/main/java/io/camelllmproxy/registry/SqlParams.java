package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.transform.Json;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/** Binds registry values to statement parameters, the same way for the bootstrap and the admin API. */
public final class SqlParams {

    private SqlParams() {
    }

    /** JSON as its compact text (json columns take it on PostgreSQL, text columns on H2). */
    public static void bind(PreparedStatement ps, List<?> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            int index = i + 1;
            if (value == null) {
                ps.setNull(index, Types.VARCHAR);
            } else if (value instanceof JsonNode json) {
                ps.setString(index, Json.compactString(json));
            } else if (value instanceof Boolean b) {
                ps.setBoolean(index, b);
            } else if (value instanceof Integer n) {
                ps.setInt(index, n);
            } else if (value instanceof Long n) {
                ps.setLong(index, n);
            } else if (value instanceof java.math.BigDecimal d) {
                ps.setBigDecimal(index, d);
            } else if (value instanceof Double d) {
                ps.setDouble(index, d);
            } else if (value instanceof Instant instant) {
                ps.setTimestamp(index, Timestamp.from(instant));
            } else {
                ps.setString(index, value.toString());
            }
        }
    }
}
