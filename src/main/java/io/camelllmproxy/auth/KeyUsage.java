package io.camelllmproxy.auth;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each key was last used and writes it to {@code llm_api_keys.last_used_at} from a timer
 * route, so that using a key never waits on the database.
 */
public class KeyUsage {

    private final DataSource dataSource;
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();

    public KeyUsage(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void touch(ApiKeyIdentity identity) {
        if (identity != ApiKeyIdentity.ADMIN_TOKEN) {
            pending.put(identity.keyId(), Instant.now());
        }
    }

    /** Called by the key-usage-flush route. */
    public void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>();
        for (String id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE llm_api_keys SET last_used_at = ? WHERE id = ?")) {
            for (Map.Entry<String, Instant> e : batch.entrySet()) {
                ps.setTimestamp(1, Timestamp.from(e.getValue()));
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
