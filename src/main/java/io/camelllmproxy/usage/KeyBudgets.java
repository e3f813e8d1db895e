package io.camelllmproxy.usage;

import io.camelllmproxy.auth.ApiKeyIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each budgeted key spent in its current period, in memory: charged the moment a request's usage is known
 * ({@link UsageMeter}), so the next request already sees it, and read back at start from the usage ledger (the
 * sum of {@code llm_usage.cost_usd} since the period's start, UTC), so a restart forgets nothing the ledger
 * kept. A key's spend starts afresh with each period.
 */
public final class KeyBudgets {

    private static final Logger LOG = LoggerFactory.getLogger(KeyBudgets.class);

    /** Whether a key may spend more now, what it has left, and (when not) how long until its period ends. */
    public record Verdict(boolean allowed, BigDecimal remaining, long retryAfterSeconds) {
    }

    private record Spend(Instant periodStart, BigDecimal spent) {
    }

    /** The ledger's sums per key since one period's start, as read at start. */
    private record Restored(Instant periodStart, Map<String, BigDecimal> byKey) {
    }

    private final Clock clock;
    private final Map<String, Spend> spends = new ConcurrentHashMap<>();
    private volatile Map<BudgetPeriod, Restored> restored = Map.of();

    public KeyBudgets(Clock clock) {
        this.clock = clock;
    }

    /** Adds {@code costUsd} to the key's spend in its current period; nothing for a key without a budget. */
    public void charge(ApiKeyIdentity identity, BigDecimal costUsd) {
        if (identity == null || !identity.budgeted() || costUsd == null || costUsd.signum() == 0) {
            return;
        }
        Instant now = clock.instant();
        spends.compute(identity.keyId(), (id, spend) -> {
            Spend current = current(spend, identity, now);
            return new Spend(current.periodStart(), current.spent().add(costUsd));
        });
    }

    /** Whether the key is below its budget now; always allowed for a key without one. */
    public Verdict check(ApiKeyIdentity identity) {
        if (identity == null || !identity.budgeted()) {
            return new Verdict(true, null, 0);
        }
        Instant now = clock.instant();
        BigDecimal spent = spent(identity, now);
        BigDecimal remaining = identity.maxBudgetUsd().subtract(spent).max(BigDecimal.ZERO);
        if (spent.compareTo(identity.maxBudgetUsd()) < 0) {
            return new Verdict(true, remaining, 0);
        }
        long seconds = Duration.between(now, identity.budgetPeriod().end(now)).toMillis();
        return new Verdict(false, remaining, Math.max(1, (seconds + 999) / 1000));
    }

    /** The key's remaining budget in USD as the {@code x-llm-budget-remaining} header shows it, e.g. {@code 0.004500}. */
    public static String header(BigDecimal remaining) {
        return remaining.setScale(6, RoundingMode.DOWN).toPlainString();
    }

    /** The key's spend in its current period. */
    public BigDecimal spent(ApiKeyIdentity identity, Instant now) {
        Spend spend = spends.get(identity.keyId());
        return current(spend, identity, now).spent();
    }

    /**
     * Reads each key's spend since the start of the current day and month from the ledger ({@code
     * sql/key-spend.sql}). A database that cannot be read leaves the spends at zero, with a warning: a budget then
     * counts only what this run spends.
     */
    public void restore(DataSource dataSource) {
        Instant now = clock.instant();
        Map<BudgetPeriod, Restored> read = new EnumMap<>(BudgetPeriod.class);
        String sql = sql();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (BudgetPeriod period : BudgetPeriod.values()) {
                Instant start = period.start(now);
                ps.setObject(1, OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
                Map<String, BigDecimal> byKey = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        BigDecimal spent = rs.getBigDecimal(2);
                        byKey.put(rs.getString(1), spent == null ? BigDecimal.ZERO : spent);
                    }
                }
                read.put(period, new Restored(start, Map.copyOf(byKey)));
            }
        } catch (SQLException e) {
            LOG.warn("Key spend not read from the usage ledger ({}): budgets count only this run's spend", e.getMessage());
            return;
        }
        restored = read;
        spends.clear();
    }

    /** The spend record of the period {@code now} falls in: the stored one if it is that period's, else a fresh one. */
    private Spend current(Spend spend, ApiKeyIdentity identity, Instant now) {
        Instant start = identity.budgetPeriod().start(now);
        if (spend != null && spend.periodStart().equals(start)) {
            return spend;
        }
        Restored fromLedger = restored.get(identity.budgetPeriod());
        BigDecimal before = fromLedger != null && fromLedger.periodStart().equals(start)
                ? fromLedger.byKey().getOrDefault(identity.keyId(), BigDecimal.ZERO) : BigDecimal.ZERO;
        return new Spend(start, before);
    }

    private static String sql() {
        try (InputStream in = KeyBudgets.class.getResourceAsStream("/camel-llm-proxy/sql/key-spend.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
