package io.camelllmproxy.health;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * {@code llm-registry-database}: one {@code SELECT 1} through the gateway's own pool. Waiting for a connection
 * is bounded by the pool's timeout ({@code llm.db.connection-timeout-ms}), the query by {@code timeoutSeconds}.
 */
public class RegistryDatabaseCheck extends AbstractHealthCheck {

    public static final String ID = "llm-registry-database";

    private final DataSource dataSource;
    private final int timeoutSeconds;

    public RegistryDatabaseCheck(DataSource dataSource, int timeoutSeconds) {
        super("llm", ID);
        this.dataSource = dataSource;
        this.timeoutSeconds = Math.max(1, timeoutSeconds);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(timeoutSeconds);
                statement.execute("SELECT 1");
            }
            builder.up();
        } catch (SQLException e) {
            // the message only: a driver's stack trace is no use to a probe, and the URL's password never reaches it
            builder.message("The registry database does not answer: " + e.getMessage());
            builder.down();
            evict(connection);
        } finally {
            close(connection);
        }
    }

    /**
     * A connection that failed the query is not lent again. The pool drops a broken one by itself only for the
     * SQL states it knows (PostgreSQL's 08xxx, not H2's "database is already closed"), and checks an idle one
     * only after half a second unused, which frequent probes never leave it.
     */
    private void evict(Connection connection) {
        if (connection != null && dataSource instanceof HikariDataSource pool) {
            pool.evictConnection(connection);
        }
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already evicted or broken: nothing left to release
            }
        }
    }
}
