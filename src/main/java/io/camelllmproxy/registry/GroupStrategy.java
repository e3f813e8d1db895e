package io.camelllmproxy.registry;

import java.util.Locale;

/** How a model group picks the member that gets a request first; the others follow as fallbacks. */
public enum GroupStrategy {
    /** Members in their listed order. */
    FALLBACK("fallback"),
    /** A member drawn by weight, the rest in weight order. */
    WEIGHTED("weighted"),
    /** The member with the fewest requests in flight on this instance. */
    LEAST_BUSY("least-busy");

    private final String id;

    GroupStrategy(String id) {
        this.id = id;
    }

    /** The name used in the admin API, the bootstrap file and the database. */
    public String id() {
        return id;
    }

    /** The strategy called {@code id}, or null when there is none of that name. */
    public static GroupStrategy of(String id) {
        if (id == null) {
            return null;
        }
        String wanted = id.toLowerCase(Locale.ROOT).replace('_', '-');
        for (GroupStrategy s : values()) {
            if (s.id.equals(wanted)) {
                return s;
            }
        }
        return null;
    }
}
