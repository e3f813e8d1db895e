package io.camelllmproxy.admin;

import io.camelllmproxy.error.GatewayException;
import io.camelllmproxy.error.OpenAiError;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

/**
 * Tells a database that cannot be reached from a statement that failed. The first is an outage the
 * client may retry (503); before, the connection failure inside it made it look like an unreachable
 * provider (502). Chat requests do not depend on it: they read the in-memory registry.
 */
final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    static boolean matches(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception (SQL standard); 57P0x: PostgreSQL shutting down or not accepting;
                // 90067 and 90121: H2's connection broken and database closed
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("90067") || state.equals("90121")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code reload} with an outage during it answered as 503 too: the registry reload an admin write runs
     * after its commit reads through Camel's SQL component, which wraps the connection failure.
     */
    static Runnable mapped(Runnable reload) {
        return () -> {
            try {
                reload.run();
            } catch (RuntimeException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof SQLException sql && matches(sql)) {
                        throw error(sql);
                    }
                }
                throw e;
            }
        };
    }

    static GatewayException error(SQLException cause) {
        return new GatewayException(new OpenAiError(503, OpenAiError.SERVER_ERROR, "database_unavailable",
                null, "The registry database cannot be reached; the admin API is unavailable, chat keeps serving the "
                + "registry it holds. Retry shortly", Map.of("Retry-After", "5")));
    }
}
