package io.camelllmproxy.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What ContextForge's own tables say about its tokens, held in memory so that checking a ContextForge token
 * costs no database round trip: revoked JWT ids ({@code token_revocations}) and accounts ({@code email_users}).
 * The registry-reload route refreshes it with the registry, so a revocation made in ContextForge is seen
 * within {@code llm.registry.refresh-ms}. A table that does not exist (the gateway on a database of its own)
 * is simply absent; a failed load keeps the last good snapshot, and until the first load nothing is accepted.
 */
public class ContextForgeAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(ContextForgeAccounts.class);

    /** One ContextForge account as far as the gateway cares. */
    public record Account(String id, String email, boolean admin, boolean active) {
    }

    /**
     * @param users   accounts by email, or null when {@code email_users} does not exist
     * @param revoked revoked JWT ids (empty when {@code token_revocations} does not exist)
     */
    public record Snapshot(Map<String, Account> users, Map<String, String> emailById, Set<String> revoked) {
    }

    private final DataSource dataSource;
    private final boolean enabled;
    private final String usersSql = sql("contextforge-users.sql");
    private final String revokedSql = sql("contextforge-revoked-jtis.sql");
    private volatile Snapshot snapshot;
    private volatile String lastFailure;

    /** @param enabled false when ContextForge tokens are not configured: {@link #refresh} then reads nothing */
    public ContextForgeAccounts(DataSource dataSource, boolean enabled) {
        this.dataSource = dataSource;
        this.enabled = enabled;
    }

    /** The last loaded snapshot, or null before the first load. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Called by the registry-reload route; never throws, so the registry reload it is part of goes on. */
    public void refresh() {
        if (!enabled) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            Map<String, Account> users = null;
            Map<String, String> emailById = new HashMap<>();
            if (tableExists(c, "email_users")) {
                users = new HashMap<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(usersSql)) {
                    while (rs.next()) {
                        Account account = new Account(rs.getString("id"), rs.getString("email"),
                                rs.getBoolean("is_admin"), rs.getBoolean("is_active"));
                        users.put(account.email(), account);
                        if (account.id() != null) {
                            emailById.put(account.id(), account.email());
                        }
                    }
                }
            }
            Set<String> revoked = new HashSet<>();
            if (tableExists(c, "token_revocations")) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(revokedSql)) {
                    while (rs.next()) {
                        revoked.add(rs.getString(1));
                    }
                }
            }
            snapshot = new Snapshot(users == null ? null : Map.copyOf(users), Map.copyOf(emailById), Set.copyOf(revoked));
            if (lastFailure != null) {
                LOG.info("ContextForge accounts and revocations load again");
                lastFailure = null;
            }
        } catch (SQLException e) {
            // Once per distinct failure: the registry reload already reports a database that is down.
            if (!Objects.equals(lastFailure, e.getMessage())) {
                LOG.warn("Cannot load ContextForge accounts and revocations, keeping the last ones: {}", e.getMessage());
                lastFailure = e.getMessage();
            }
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static String sql(String name) {
        try (InputStream in = ContextForgeAccounts.class.getResourceAsStream("/camel-llm-proxy/sql/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource sql/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sql/" + name, e);
        }
    }
}
