package io.camelllmproxy.auth;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ContextForge's variable names, its defaults, and the gateway property that wins over each. */
class ContextForgeJwtSettingsTest {

    static ContextForgeJwtSettings resolve(Map<String, String> properties, Map<String, String> env) {
        return ContextForgeJwtSettings.resolve(properties::get, env::get);
    }

    @Test
    void offWithoutASecret() {
        assertNull(resolve(Map.of(), Map.of("JWT_AUDIENCE", "x")));
        assertNull(resolve(Map.of("llm.auth.contextforge.jwt-secret-key", ""), Map.of("JWT_SECRET_KEY", " ")));
    }

    @Test
    void contextForgesVariablesAndDefaults() {
        ContextForgeJwtSettings defaults = resolve(Map.of(), Map.of("JWT_SECRET_KEY", "s"));
        assertEquals("HS256", defaults.algorithm());
        assertEquals("mcpgateway-api", defaults.audience());
        assertEquals("mcpgateway", defaults.issuer());
        assertTrue(defaults.audienceVerification() && defaults.issuerVerification());
        assertTrue(defaults.requireTokenExpiration() && defaults.requireJti() && defaults.requireUserInDb());
        assertEquals("development", defaults.environment());
        assertTrue(defaults.validateTokenEnvironment());
        assertFalse(defaults.deriveKeyPerEnvironment());

        ContextForgeJwtSettings env = resolve(Map.of(), Map.of("JWT_SECRET_KEY", "s", "JWT_ALGORITHM", "HS512",
                "JWT_AUDIENCE", "aud", "JWT_ISSUER", "iss", "JWT_AUDIENCE_VERIFICATION", "false", "REQUIRE_JTI", "0",
                "ENVIRONMENT", "production", "DERIVE_KEY_PER_ENVIRONMENT", "yes", "PLATFORM_ADMIN_EMAIL", "root@x.io"));
        assertEquals("HS512", env.algorithm());
        assertEquals("aud", env.audience());
        assertEquals("iss", env.issuer());
        assertFalse(env.audienceVerification());
        assertFalse(env.requireJti());
        assertEquals("production", env.environment());
        assertTrue(env.deriveKeyPerEnvironment());
        assertEquals("root@x.io", env.platformAdminEmail());
    }

    @Test
    void theGatewayPropertyWinsOverTheVariable() {
        ContextForgeJwtSettings settings = resolve(
                Map.of("llm.auth.contextforge.jwt-secret-key", "from-property", "llm.auth.contextforge.jwt-issuer", "ours"),
                Map.of("JWT_SECRET_KEY", "from-env", "JWT_ISSUER", "theirs"));
        assertEquals("from-property", settings.secretKey());
        assertEquals("ours", settings.issuer());
    }

    @Test
    void unsupportedValuesStopTheStartAndTheSecretIsNeverPrinted() {
        assertThrows(IllegalStateException.class, () -> resolve(Map.of(), Map.of("JWT_SECRET_KEY", "s", "JWT_ALGORITHM", "RS256")));
        assertThrows(IllegalStateException.class, () -> resolve(Map.of(), Map.of("JWT_SECRET_KEY", "s", "REQUIRE_JTI", "maybe")));
        assertFalse(resolve(Map.of(), Map.of("JWT_SECRET_KEY", "very-secret-value")).toString().contains("very-secret-value"));
    }

    @Test
    void thePerEnvironmentKeyIsContextForgesDerivation() {
        ContextForgeJwtSettings derived = resolve(Map.of(), Map.of("JWT_SECRET_KEY", "my-test-key",
                "ENVIRONMENT", "production", "DERIVE_KEY_PER_ENVIRONMENT", "true"));
        // hmac.new(b"my-test-key", b"mcpgw-env:production", hashlib.sha256).hexdigest(), computed with Python
        assertEquals("820ad7ad0e861a2442794f99d4bcfd7eddb72f91dc2bc4408da5fe5d2acf153e",
                ContextForgeTokens.verificationKey(derived));
        assertEquals("my-test-key", ContextForgeTokens.verificationKey(
                resolve(Map.of(), Map.of("JWT_SECRET_KEY", "my-test-key", "ENVIRONMENT", "production"))));
    }
}
