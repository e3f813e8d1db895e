package io.camelllmproxy.registry;

import java.util.regex.Pattern;

/**
 * ContextForge's rule for provider names ({@code SecurityValidator.validate_name} with its default
 * {@code validation_name_pattern} and {@code validation_max_name_length}), shared by the admin API and the
 * bootstrap file so that every name one of the two systems accepts, the other accepts too.
 */
public final class ProviderNames {

    /** ContextForge's {@code ^[a-zA-Z0-9_.\- ]+$}: letters, digits, '_', '.', '-' and literal spaces. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_. -]+");
    /** ContextForge's {@code validation_max_name_length}. */
    public static final int MAX_LENGTH = 255;

    private ProviderNames() {
    }

    /**
     * Why {@code name} is not a valid name, or null when it is. One deliberate difference: ContextForge
     * takes a name of spaces only; we refuse it, as it names nothing a person can tell apart.
     */
    public static String problem(String name) {
        if (name.isBlank()) {
            return "must not be empty or only spaces";
        }
        if (name.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (!PATTERN.matcher(name).matches()) {
            return "may hold only letters, digits, '_', '.', '-' and spaces";
        }
        return null;
    }
}
