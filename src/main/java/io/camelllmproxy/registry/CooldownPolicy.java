package io.camelllmproxy.registry;

/** After {@code failures} consecutive failures a member is left alone for {@code seconds}, then probed once. */
public record CooldownPolicy(int failures, long seconds) {

    public static final CooldownPolicy DEFAULT = new CooldownPolicy(3, 30);

    public CooldownPolicy {
        if (failures < 1 || seconds < 0) {
            throw new IllegalArgumentException("failures must be at least 1 and seconds not negative");
        }
    }
}
