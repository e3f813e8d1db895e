package io.camelllmproxy.auth;

import java.util.List;

/** What a gateway key may do. {@code admin} implies the other two. */
public final class Scopes {

    /** Chat completions. */
    public static final String INVOKE = "llm.invoke";
    /** The model list and the OpenAPI document. */
    public static final String READ = "llm.read";
    /** The admin API under /llm. */
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(INVOKE, READ, ADMIN);

    private Scopes() {
    }
}
