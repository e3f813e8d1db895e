package io.camelllmproxy.auth;

import java.util.Set;

/** Who a request's key belongs to, what it may do, and its per-minute limits (null: unlimited). */
public record ApiKeyIdentity(String keyId, String name, Set<String> scopes, Integer rpmLimit, Integer tpmLimit) {

    public static final ApiKeyIdentity ADMIN_TOKEN = new ApiKeyIdentity("admin-token", "admin token",
            Set.copyOf(Scopes.ALL), null, null);

    public boolean has(String scope) {
        return scopes.contains(Scopes.ADMIN) || scopes.contains(scope);
    }

    public boolean limited() {
        return rpmLimit != null || tpmLimit != null;
    }
}
