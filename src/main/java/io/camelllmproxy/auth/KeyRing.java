package io.camelllmproxy.auth;

import io.camelllmproxy.registry.SnapshotGenerations;
import io.camelllmproxy.usage.BudgetPeriod;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway keys and the admin token, held in memory so that checking a request's key costs no
 * database round trip. Keys are found by the SHA-256 of what the client presented and the digests are
 * compared in constant time; the registry-refresh route reloads the ring, and every key write reloads it
 * at once, so a revoked key fails on the next request. Reloads are ordered by generation, so a slower
 * reload that read before the write cannot install its older rows afterwards.
 */
public class KeyRing {

    private record Entry(byte[] hash, ApiKeyIdentity identity, boolean enabled, Instant expiresAt) {
    }

    private final byte[] adminTokenHash;
    private volatile Map<String, Entry> byHash = Map.of();
    private final SnapshotGenerations.Installed installed = new SnapshotGenerations.Installed();
    /** Keys revoked through this gateway: revocation is final, so no later snapshot may bring one back. */
    private final Set<String> revokedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public KeyRing(String adminToken) {
        this.adminTokenHash = adminToken == null || adminToken.isBlank() ? null : ApiKeys.sha256(adminToken);
    }

    /** Installs the rows of {@code sql/api-keys-snapshot.sql} unconditionally (start-up, tests). */
    public void refresh(List<Map<String, Object>> rows) {
        refresh(rows, SnapshotGenerations.UNORDERED);
    }

    /**
     * Installs the rows of {@code sql/api-keys-snapshot.sql} read under {@code generation} (a
     * {@link SnapshotGenerations} stamp taken before the read), unless a snapshot read
     * later is already installed: an older read would bring back a key revoked since.
     */
    public void refresh(List<Map<String, Object>> rows, long generation) {
        Map<String, Entry> next = new HashMap<>();
        for (Map<String, Object> row : rows) {
            String hash = String.valueOf(row.get("key_hash"));
            Set<String> scopes = Arrays.stream(String.valueOf(row.get("scopes")).split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
            ApiKeyIdentity identity = new ApiKeyIdentity(String.valueOf(row.get("id")), String.valueOf(row.get("name")),
                    scopes, integer(row.get("rpm_limit")), integer(row.get("tpm_limit")), decimal(row.get("max_budget_usd")),
                    BudgetPeriod.of(row.get("budget_period") == null ? null : row.get("budget_period").toString()));
            next.put(hash, new Entry(HexFormat.of().parseHex(hash), identity, Boolean.TRUE.equals(bool(row.get("enabled"))),
                    instant(row.get("expires_at"))));
        }
        installed.installIfCurrent(generation, () -> byHash = next);
    }

    /**
     * Refuses the key with this id from now on, whatever snapshot is installed: a revocation committed while
     * the reload after it fails (the database gone in between) must still hold at once.
     */
    public void revoke(String id) {
        revokedIds.add(id);
    }

    /** The identity behind a presented key, or null when it is unknown, disabled or expired. */
    public ApiKeyIdentity authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return null;
        }
        byte[] digest = ApiKeys.sha256(presented);
        if (adminTokenHash != null && MessageDigest.isEqual(digest, adminTokenHash)) {
            return ApiKeyIdentity.ADMIN_TOKEN;
        }
        Entry entry = byHash.get(HexFormat.of().formatHex(digest));
        if (entry == null || !MessageDigest.isEqual(digest, entry.hash()) || !entry.enabled()
                || revokedIds.contains(entry.identity().keyId())) {
            return null;
        }
        if (entry.expiresAt() != null && !Instant.now().isBefore(entry.expiresAt())) {
            return null;
        }
        return entry.identity();
    }

    public boolean hasAdminToken() {
        return adminTokenHash != null;
    }

    private static Integer integer(Object value) {
        return value instanceof Number n ? n.intValue() : null;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        return value instanceof Number n ? new BigDecimal(n.toString()) : null;
    }

    private static Boolean bool(Object value) {
        return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.toInstant(java.time.ZoneOffset.UTC);
        }
        return null;
    }
}
