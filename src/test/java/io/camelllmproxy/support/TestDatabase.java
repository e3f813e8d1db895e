package io.camelllmproxy.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database for one test class: an in-memory H2, or, when the suite runs with
 * {@code -Dllm.test.db=postgres}, a new schema on the PostgreSQL server named by {@code LLM_TEST_PG_URL}.
 */
public record TestDatabase(String url, String user, String password) {

    public static boolean postgres() {
        return "postgres".equals(System.getProperty("llm.test.db", "h2"));
    }

    public static TestDatabase create() {
        String unique = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (!postgres()) {
            return new TestDatabase("jdbc:h2:mem:" + unique
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        }
        String base = System.getenv("LLM_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            throw new IllegalStateException("-Dllm.test.db=postgres needs LLM_TEST_PG_URL (and LLM_TEST_PG_USER, LLM_TEST_PG_PASSWORD)");
        }
        String user = System.getenv().getOrDefault("LLM_TEST_PG_USER", "postgres");
        String password = System.getenv().getOrDefault("LLM_TEST_PG_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + unique);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test schema on " + base, e);
        }
        return new TestDatabase(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + unique, user, password);
    }

    public Connection connect() throws Exception {
        return DriverManager.getConnection(url, user, password);
    }
}
