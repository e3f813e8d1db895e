package io.camelllmproxy.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.support.LogCapture;
import io.camelllmproxy.transform.Json;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ContextForge's JWTs against a gateway that shares ContextForge's JWT settings and database: tokens are made
 * the way ContextForge's {@code create_jwt_token} makes them (its session and API token claims), and the
 * accounts and revocations are rows in ContextForge's own tables.
 */
class ContextForgeTokensTest {

    /** Short on purpose: ContextForge warns about secrets under 32 characters but accepts them. */
    static final String SECRET = "my-test-key";
    static final String ADMIN_ID = UUID.randomUUID().toString();
    static final String ALICE_ID = UUID.randomUUID().toString();
    static final String BOB_ID = UUID.randomUUID().toString();
    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String BOOTSTRAP = "providers:\n" + provider("p", "openai", "%s", null, null, "{model_id: m, model_name: M}");

    static FakeUpstream upstream;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.replyJson(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}");
        gateway = GatewayHarness.start(BOOTSTRAP.formatted(upstream.baseUrl()),
                Map.of("llm.auth.contextforge.jwt-secret-key", SECRET));
        try (Connection c = gateway.database().connect()) {
            createContextForgeTables(c);
            insertUser(c, ADMIN_ID, "admin@example.com", true, true);
            insertUser(c, ALICE_ID, "alice@example.com", false, true);
            insertUser(c, BOB_ID, "bob@example.com", false, false);
        }
        // The tables appear after start: the next registry refresh finds them.
        String admin = sign(session(ADMIN_ID));
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.send("GET", "/llm/providers", null, admin).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void anAdministratorsSessionTokenOpensTheAdminApi() throws Exception {
        String token = sign(session(ADMIN_ID));
        assertEquals(200, gateway.send("GET", "/llm/providers", null, token).statusCode());
        assertEquals(200, gateway.send("GET", "/llm/keys", null, token).statusCode());
        assertEquals(200, gateway.send("GET", "/v1/models", null, token).statusCode());
        HttpResponse<String> chat = gateway.send("POST", "/v1/chat/completions", CHAT, token);
        assertEquals(200, chat.statusCode(), chat.body());
    }

    @Test
    void aUsersTokensChatAndListModelsButAreRefusedTheAdminApi() throws Exception {
        for (String token : List.of(sign(session(ALICE_ID)), sign(apiToken(ALICE_ID, "alice@example.com", false, List.of())))) {
            upstream.clearReceived();
            HttpResponse<String> chat = gateway.send("POST", "/v1/chat/completions", CHAT, token);
            assertEquals(200, chat.statusCode(), chat.body());
            FakeUpstream.Received sent = upstream.take();
            assertFalse(String.valueOf(sent.headers().get("Authorization")).contains(token), "the token is not relayed upstream");
            assertEquals(200, gateway.send("GET", "/v1/models", null, token).statusCode());
            assertRefused(gateway.send("GET", "/llm/providers", null, token), 403, "insufficient_scope", null, token);
        }
    }

    @Test
    void anApiTokenClaimingAdminForANonAdminAccountGetsNoAdmin() throws Exception {
        // The account table decides, as in ContextForge: the claim is what the user was when the token was made.
        String token = sign(apiToken(ALICE_ID, "alice@example.com", true, List.of()));
        assertRefused(gateway.send("GET", "/llm/providers", null, token), 403, "insufficient_scope", null, token);
    }

    @Test
    void anApiTokensPermissionsNarrowWhatItMayDo() throws Exception {
        String invokeOnly = sign(apiToken(ADMIN_ID, "admin@example.com", true, List.of("llm.invoke")));
        assertEquals(200, gateway.send("POST", "/v1/chat/completions", CHAT, invokeOnly).statusCode());
        assertRefused(gateway.send("GET", "/v1/models", null, invokeOnly), 403, "insufficient_scope", null, invokeOnly);
        assertRefused(gateway.send("GET", "/llm/providers", null, invokeOnly), 403, "insufficient_scope", null, invokeOnly);

        String toolsOnly = sign(apiToken(ALICE_ID, "alice@example.com", false, List.of("tools.read")));
        assertRefused(gateway.send("POST", "/v1/chat/completions", CHAT, toolsOnly), 403, "insufficient_scope", null, toolsOnly);

        Map<String, Object> serverBound = apiToken(ALICE_ID, "alice@example.com", false, List.of());
        scopes(serverBound).put("server_id", UUID.randomUUID().toString());
        String bound = sign(serverBound);
        assertRefused(gateway.send("POST", "/v1/chat/completions", CHAT, bound), 403, "insufficient_scope", null, bound);
    }

    @Test
    void badTokensAre401InOpenAiShapeAndNeverLogged() throws Exception {
        Map<String, String> refusals = new LinkedHashMap<>();
        Map<String, Object> claims = session(ADMIN_ID);
        refusals.put(JWT.create().withPayload(claims).sign(Algorithm.HMAC256("another-secret")), "signature");
        refusals.put(JWT.create().withPayload(claims).sign(Algorithm.HMAC512(SECRET)), "algorithm");
        refusals.put(unsigned(claims), "algorithm");
        refusals.put(sign(with(claims, "exp", Instant.now().minusSeconds(5).getEpochSecond())), "expired");
        refusals.put(sign(with(claims, "aud", "another-api")), "'aud'");
        refusals.put(sign(with(claims, "iss", "another-issuer")), "'iss'");
        refusals.put(sign(without(claims, "aud")), "'aud'");
        refusals.put(sign(without(claims, "exp")), "expiration");
        refusals.put(sign(without(claims, "jti")), "JTI");
        refusals.put(sign(with(claims, "env", "production")), "environment");
        refusals.put(sign(with(claims, "iat", Instant.now().plusSeconds(600).getEpochSecond())), "'iat'");
        refusals.put(sign(session(UUID.randomUUID().toString())), "no user");
        refusals.put(sign(apiToken(UUID.randomUUID().toString(), "mallory@example.com", true, List.of())), "not found");
        refusals.put(sign(session(BOB_ID)), "disabled");

        LogCapture capture = LogCapture.everything(Level.DEBUG);
        try {
            org.slf4j.LoggerFactory.getLogger(AuthGate.class).debug("capture check");
            for (Map.Entry<String, String> refused : refusals.entrySet()) {
                for (String path : List.of("/v1/models", "/llm/providers")) {
                    assertRefused(gateway.send("GET", path, null, refused.getKey()), 401, "invalid_api_key",
                            refused.getValue(), refused.getKey());
                }
                assertRefused(gateway.send("POST", "/v1/chat/completions", CHAT, refused.getKey()), 401,
                        "invalid_api_key", refused.getValue(), refused.getKey());
            }
        } finally {
            capture.close();
        }
        assertTrue(capture.lines().stream().anyMatch(l -> l.message().equals("capture check")),
                "the capture sees the gateway's DEBUG lines");
        for (String line : capture.texts()) {
            for (String token : refusals.keySet()) {
                assertFalse(line.contains(payloadOf(token)), "the log holds a token: " + line);
            }
            assertFalse(line.contains(SECRET), "the log holds the secret: " + line);
        }
    }

    @Test
    void aRevocationRecordedByContextForgeTakesEffect() throws Exception {
        Map<String, Object> claims = apiToken(ALICE_ID, "alice@example.com", false, List.of());
        String token = sign(claims);
        String other = sign(session(ALICE_ID));
        assertEquals(200, gateway.send("GET", "/v1/models", null, token).statusCode());
        try (Connection c = gateway.database().connect();
             PreparedStatement revoke = c.prepareStatement(
                     "INSERT INTO token_revocations (jti, revoked_at, revoked_by, reason) VALUES (?, CURRENT_TIMESTAMP, ?, ?)")) {
            revoke.setString(1, (String) claims.get("jti"));
            revoke.setString(2, "admin@example.com");
            revoke.setString(3, "Revoked by admin");
            revoke.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.send("GET", "/v1/models", null, token).statusCode() == 401);
        assertRefused(gateway.send("POST", "/v1/chat/completions", CHAT, token), 401, "invalid_api_key", "revoked", token);
        assertEquals(200, gateway.send("GET", "/v1/models", null, other).statusCode(), "other tokens of the user still work");
    }

    @Test
    void gatewayKeysAndTheAdminTokenKeepWorking() throws Exception {
        HttpResponse<String> created = gateway.send("POST", "/llm/keys", "{\"name\":\"beside-jwt\",\"scopes\":[\"llm.read\"]}",
                GatewayHarness.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        String key = Json.MAPPER.readTree(created.body()).get("key").asText();
        assertEquals(200, gateway.send("GET", "/v1/models", null, key).statusCode());
        assertEquals(200, gateway.send("GET", "/llm/providers", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        assertRefused(gateway.send("GET", "/v1/models", null, "sk-llmp-not-a-key"), 401, "invalid_api_key", "Incorrect", null);
    }

    @Test
    void onADatabaseWithoutContextForgesTablesTheSignedClaimsDecide() throws Exception {
        try (GatewayHarness own = GatewayHarness.start(BOOTSTRAP.formatted(upstream.baseUrl()),
                Map.of("llm.auth.contextforge.jwt-secret-key", SECRET))) {
            String admin = sign(apiToken(UUID.randomUUID().toString(), "root@example.com", true, List.of()));
            String user = sign(apiToken(UUID.randomUUID().toString(), "carol@example.com", false, List.of()));
            assertEquals(200, own.send("GET", "/llm/providers", null, admin).statusCode());
            assertEquals(200, own.send("GET", "/v1/models", null, user).statusCode());
            assertRefused(own.send("GET", "/llm/providers", null, user), 403, "insufficient_scope", null, user);
            // A session token names its user by id only, which only ContextForge's table can resolve.
            String session = sign(session(UUID.randomUUID().toString()));
            assertRefused(own.send("GET", "/v1/models", null, session), 401, "invalid_api_key", "no user", session);
        }
    }

    @Test
    void withoutContextForgeSettingsItsTokensAre401() throws Exception {
        assumeTrue(System.getenv("JWT_SECRET_KEY") == null, "JWT_SECRET_KEY is set in this environment");
        try (GatewayHarness off = GatewayHarness.start(BOOTSTRAP.formatted(upstream.baseUrl()), Map.of())) {
            try (Connection c = off.database().connect()) {
                createContextForgeTables(c);
                insertUser(c, ADMIN_ID, "admin@example.com", true, true);
            }
            String token = sign(session(ADMIN_ID));
            for (String path : List.of("/v1/models", "/llm/providers")) {
                assertRefused(off.send("GET", path, null, token), 401, "invalid_api_key", "Incorrect", token);
            }
            assertEquals(200, off.send("GET", "/llm/providers", null, GatewayHarness.ADMIN_TOKEN).statusCode());
        }
    }

    // ---------------------------------------------------------------- tokens as ContextForge makes them

    /** {@code create_jwt_token}'s standard claims: iat, iss, aud, jti, env, and exp from the expiry in minutes. */
    static Map<String, Object> standardClaims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", now);
        claims.put("iss", "mcpgateway");
        claims.put("aud", "mcpgateway-api");
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("env", "development");
        claims.put("exp", now + 20 * 60);
        return claims;
    }

    /** What {@code email_auth.create_access_token} signs at login. */
    static Map<String, Object> session(String userId) {
        Map<String, Object> claims = standardClaims();
        claims.put("sub", userId);
        claims.put("last_activity", claims.get("iat"));
        claims.put("auth_provider", "local");
        claims.put("token_use", "session");
        claims.put("scopes", scopeClaim(List.of("*")));
        return claims;
    }

    /** What {@code TokenCatalogService._generate_token} signs for an API token (no team: teams null). */
    static Map<String, Object> apiToken(String userId, String email, boolean isAdmin, List<String> permissions) {
        Map<String, Object> claims = standardClaims();
        claims.put("sub", userId);
        claims.put("token_use", "api");
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", email);
        user.put("full_name", "API Token User");
        user.put("is_admin", isAdmin);
        user.put("auth_provider", "api_token");
        claims.put("user", user);
        claims.put("teams", null);
        claims.put("scopes", scopeClaim(permissions));
        return claims;
    }

    static Map<String, Object> scopeClaim(List<String> permissions) {
        Map<String, Object> scopes = new LinkedHashMap<>();
        scopes.put("server_id", null);
        scopes.put("permissions", new ArrayList<>(permissions));
        scopes.put("ip_restrictions", List.of());
        scopes.put("time_restrictions", Map.of());
        return scopes;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> scopes(Map<String, Object> claims) {
        return (Map<String, Object>) claims.get("scopes");
    }

    static String sign(Map<String, Object> claims) {
        return JWT.create().withPayload(claims).sign(Algorithm.HMAC256(SECRET));
    }

    /** An {@code alg: none} token: the library refuses to make one, so it is put together by hand. */
    static String unsigned(Map<String, Object> claims) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        return url.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(Json.MAPPER.writeValueAsBytes(claims)) + ".";
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> copy = new HashMap<>(claims);
        copy.put(name, value);
        return copy;
    }

    static Map<String, Object> without(Map<String, Object> claims, String name) {
        Map<String, Object> copy = new HashMap<>(claims);
        copy.remove(name);
        return copy;
    }

    // ---------------------------------------------------------------- ContextForge's tables

    static void createContextForgeTables(Connection c) throws Exception {
        String ddl;
        try (InputStream in = ContextForgeTokensTest.class.getResourceAsStream("/contextforge/auth-tables.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement s = c.createStatement()) {
            for (String statement : ddl.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    static void insertUser(Connection c, String id, String email, boolean admin, boolean active) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO email_users (id, email, password_hash, full_name, "
                + "is_admin, is_active, auth_provider, password_hash_type, failed_login_attempts, password_change_required, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'local', 'argon2id', 0, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            insert.setString(1, id);
            insert.setString(2, email);
            insert.setString(3, "$argon2id$v=19$m=65536,t=3,p=4$not-a-real-hash");
            insert.setString(4, email);
            insert.setBoolean(5, admin);
            insert.setBoolean(6, active);
            insert.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- assertions

    /** The status, our OpenAI error shape, the reason when given, and never the token in the answer. */
    static void assertRefused(HttpResponse<String> response, int status, String code, String reason, String token) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertTrue(error.has("message") && error.has("type") && error.has("param"), response.body());
        if (reason != null) {
            assertTrue(error.get("message").asText().contains(reason), "'" + reason + "' in " + response.body());
        }
        if (token != null) {
            assertFalse(response.body().contains(payloadOf(token)), "the answer holds the token");
        }
    }

    /** The claims segment: what every copy of a token, whole or cut, would show. */
    static String payloadOf(String token) {
        return token.split("\\.")[1];
    }
}
