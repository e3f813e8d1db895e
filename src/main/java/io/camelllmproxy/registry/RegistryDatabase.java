package io.camelllmproxy.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** The registry's connection pool and its schema migrations, for H2 and PostgreSQL alike. */
public final class RegistryDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryDatabase.class);

    private RegistryDatabase() {
    }

    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, 3_000);
    }

    /** {@code connectionTimeoutMillis} bounds how long a caller waits when the database is down (Hikari's default is 30 s). */
    public static HikariDataSource open(String url, String user, String password, int poolSize, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("llm-registry");
        config.setConnectionTimeout(Math.max(250, connectionTimeoutMillis));
        config.setValidationTimeout(Math.max(250, Math.min(5_000, connectionTimeoutMillis / 2)));
        if (url.startsWith("jdbc:h2:")) {
            config.setExceptionOverrideClassName(BrokenH2Connections.class.getName());
        }
        if (isPostgres(url)) {
            // Lets plain string parameters land in json and timestamptz columns, as ContextForge's schema has them.
            config.addDataSourceProperty("stringtype", "unspecified");
        }
        return new HikariDataSource(config);
    }

    /**
     * Applies the migrations. The history table has its own name so it never meets ContextForge's, and a
     * database that already holds tables is baselined at version 0 so that V1 runs and, being
     * {@code IF NOT EXISTS} throughout, leaves existing tables as they are.
     */
    public static void migrate(DataSource dataSource, String url) {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:camel-llm-proxy/db/migration/" + (isPostgres(url) ? "postgresql" : "h2"))
                .table("llm_proxy_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        MigrateResult result = flyway.migrate();
        // the version from the migration's own result: asking flyway.info() would scan and read the history again
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info("Registry schema at version {} ({} migrations applied now)", version == null ? "none" : version,
                result.migrationsExecuted);
    }

    /**
     * Whether {@code table.column} admits NULL in the connected schema. Our migrations and ContextForge's
     * differ here ({@code default_temperature} is nullable in ours, {@code NOT NULL DEFAULT 0.7} in
     * ContextForge's), and what a null in a request means depends on it. Unknown columns count as nullable.
     */
    public static boolean nullable(DataSource dataSource, String table, String column) {
        try (Connection c = dataSource.getConnection()) {
            return nullable(c, table, column);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema of " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #nullable(DataSource, String, String)} on a connection the caller holds (an open transaction's,
     * so that asking does not take a second connection from a small pool); the caller handles failures.
     */
    public static boolean nullable(Connection c, String table, String column) throws SQLException {
        String schema = c.getSchema();
        for (String[] names : new String[][] {{table, column},
                {table.toUpperCase(Locale.ROOT), column.toUpperCase(Locale.ROOT)}}) {
            try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), schema, names[0], names[1])) {
                if (rs.next()) {
                    return rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                }
            }
        }
        return true;
    }

    public static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    public static boolean isEmbedded(String url) {
        return url.startsWith("jdbc:h2:");
    }
}
