package io.camelllmproxy.auth;

import io.camelllmproxy.usage.BudgetPeriod;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Who a request's key belongs to, what it may do, its per-minute limits (null: unlimited) and its spending budget
 * in USD per {@code budgetPeriod} (both null: no budget).
 */
public record ApiKeyIdentity(String keyId, String name, Set<String> scopes, Integer rpmLimit, Integer tpmLimit,
                             BigDecimal maxBudgetUsd, BudgetPeriod budgetPeriod) {

    public static final ApiKeyIdentity ADMIN_TOKEN = new ApiKeyIdentity("admin-token", "admin token",
            Set.copyOf(Scopes.ALL), null, null);

    /** A key without a budget. */
    public ApiKeyIdentity(String keyId, String name, Set<String> scopes, Integer rpmLimit, Integer tpmLimit) {
        this(keyId, name, scopes, rpmLimit, tpmLimit, null, null);
    }

    public boolean has(String scope) {
        return scopes.contains(Scopes.ADMIN) || scopes.contains(scope);
    }

    public boolean limited() {
        return rpmLimit != null || tpmLimit != null;
    }

    public boolean budgeted() {
        return maxBudgetUsd != null && budgetPeriod != null;
    }
}
