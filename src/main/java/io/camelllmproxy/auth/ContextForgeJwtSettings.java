package io.camelllmproxy.auth;

import java.util.Locale;
import java.util.function.Function;

/**
 * ContextForge's JWT settings, read under ContextForge's own variable names so that an operator can hand the
 * gateway the same environment. Each has a property {@code llm.auth.contextforge.<name>} that wins when set;
 * the defaults are ContextForge's (v1.0.8 {@code mcpgateway/config.py}).
 */
public record ContextForgeJwtSettings(String secretKey, String algorithm, String audience, String issuer,
                                      boolean audienceVerification, boolean issuerVerification,
                                      boolean requireTokenExpiration, boolean requireJti, boolean requireUserInDb,
                                      String platformAdminEmail, String environment, boolean validateTokenEnvironment,
                                      boolean deriveKeyPerEnvironment) {

    /** Property prefix; the rest of each property's name is ContextForge's variable in kebab case. */
    public static final String PREFIX = "llm.auth.contextforge.";

    /**
     * The settings, or null when neither {@code llm.auth.contextforge.jwt-secret-key} nor {@code JWT_SECRET_KEY}
     * is set: ContextForge tokens are then not accepted at all.
     *
     * @param property a gateway property by its full name (null or blank: unset)
     * @param env      an environment variable by its name (null or blank: unset)
     */
    public static ContextForgeJwtSettings resolve(Function<String, String> property, Function<String, String> env) {
        Reader read = new Reader(property, env);
        String secret = read.string("JWT_SECRET_KEY", null);
        if (secret == null) {
            return null;
        }
        String algorithm = read.string("JWT_ALGORITHM", "HS256").toUpperCase(Locale.ROOT);
        if (!algorithm.equals("HS256") && !algorithm.equals("HS384") && !algorithm.equals("HS512")) {
            throw new IllegalStateException("JWT_ALGORITHM " + algorithm + " is not supported for ContextForge tokens: "
                    + "only HS256, HS384 and HS512 (secrets shared through JWT_SECRET_KEY)");
        }
        return new ContextForgeJwtSettings(secret, algorithm,
                read.string("JWT_AUDIENCE", "mcpgateway-api"),
                read.string("JWT_ISSUER", "mcpgateway"),
                read.bool("JWT_AUDIENCE_VERIFICATION", true),
                read.bool("JWT_ISSUER_VERIFICATION", true),
                read.bool("REQUIRE_TOKEN_EXPIRATION", true),
                read.bool("REQUIRE_JTI", true),
                read.bool("REQUIRE_USER_IN_DB", true),
                read.string("PLATFORM_ADMIN_EMAIL", "admin@example.com"),
                read.string("ENVIRONMENT", "development"),
                read.bool("VALIDATE_TOKEN_ENVIRONMENT", true),
                read.bool("DERIVE_KEY_PER_ENVIRONMENT", false));
    }

    /** Never the secret: this is what start-up logs. */
    @Override
    public String toString() {
        return algorithm + ", audience '" + audience + "'" + (audienceVerification ? "" : " (not verified)")
                + ", issuer '" + issuer + "'" + (issuerVerification ? "" : " (not verified)")
                + ", environment '" + environment + "'";
    }

    private record Reader(Function<String, String> property, Function<String, String> env) {

        String string(String variable, String fallback) {
            String value = blankToNull(property.apply(PREFIX + variable.toLowerCase(Locale.ROOT).replace('_', '-')));
            if (value == null) {
                value = blankToNull(env.apply(variable));
            }
            return value == null ? fallback : value;
        }

        /** Booleans as pydantic reads them, so a value ContextForge takes means the same here. */
        boolean bool(String variable, boolean fallback) {
            String value = string(variable, null);
            if (value == null) {
                return fallback;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "1", "true", "t", "yes", "y", "on" -> true;
                case "0", "false", "f", "no", "n", "off" -> false;
                default -> throw new IllegalStateException(variable + " must be true or false, not '" + value + "'");
            };
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
