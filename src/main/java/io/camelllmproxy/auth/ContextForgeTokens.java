package io.camelllmproxy.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Accepts the JWTs ContextForge issues (session tokens and API tokens) with the rules of its
 * {@code verify_jwt_token} and {@code get_current_user}: the one configured algorithm, signature, expiry (no
 * leeway), audience and issuer, required {@code exp} and {@code jti}, the {@code env} claim, revocation in
 * {@code token_revocations}, and the account in {@code email_users} (unknown or disabled: refused). ContextForge
 * administrators get {@code admin}, other users {@code llm.invoke} and {@code llm.read}, narrowed by an API token's
 * {@code scopes.permissions} as ContextForge's token scoping narrows it.
 */
public class ContextForgeTokens {

    /** What a presented JWT comes to: an identity, or the reason it is refused (safe to show the client). */
    public record Verdict(ApiKeyIdentity identity, String refusal) {
        static Verdict refuse(String reason) {
            return new Verdict(null, reason);
        }
    }

    /** Three base64url segments: the only shape worth handing to the JWT parser. */
    private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** Bounds the parsing work one request can cause; ContextForge's tokens are well under 4 KiB. */
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final Set<String> USER_SCOPES = Set.of(Scopes.INVOKE, Scopes.READ);

    private final ContextForgeJwtSettings settings;
    private final ContextForgeAccounts accounts;
    private final JWTVerifier verifier;

    public ContextForgeTokens(ContextForgeJwtSettings settings, ContextForgeAccounts accounts) {
        this.settings = settings;
        this.accounts = accounts;
        byte[] key = verificationKey(settings).getBytes(StandardCharsets.UTF_8);
        Algorithm algorithm = switch (settings.algorithm()) {
            case "HS384" -> Algorithm.HMAC384(key);
            case "HS512" -> Algorithm.HMAC512(key);
            default -> Algorithm.HMAC256(key);
        };
        // PyJWT's defaults, which ContextForge keeps: no leeway; exp, nbf and iat checked when present.
        Verification verification = JWT.require(algorithm).acceptLeeway(0);
        if (settings.audienceVerification()) {
            verification.withAudience(settings.audience());
        }
        if (settings.issuerVerification()) {
            verification.withIssuer(settings.issuer());
        }
        this.verifier = verification.build();
    }

    /** Whether a presented credential is a JWT at all (gateway keys and the admin token never are). */
    public static boolean looksLikeJwt(String presented) {
        return presented.length() <= MAX_TOKEN_CHARS && JWT_SHAPE.matcher(presented).matches();
    }

    public Verdict check(String token) {
        ContextForgeAccounts.Snapshot snapshot = accounts.snapshot();
        if (snapshot == null) {
            return Verdict.refuse("ContextForge revocations are not loaded yet; retry shortly");
        }
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            return Verdict.refuse("Token has expired");
        } catch (SignatureVerificationException e) {
            return Verdict.refuse("Invalid token signature");
        } catch (AlgorithmMismatchException e) {
            return Verdict.refuse("Token algorithm is not " + settings.algorithm());
        } catch (MissingClaimException e) {
            return Verdict.refuse("Token lacks the '" + e.getClaimName() + "' claim");
        } catch (IncorrectClaimException e) {
            return Verdict.refuse("Token has a wrong '" + e.getClaimName() + "' claim");
        } catch (JWTVerificationException e) {
            return Verdict.refuse("Invalid token");
        }
        Map<String, Claim> claims = jwt.getClaims();
        if (settings.requireTokenExpiration() && absent(claims.get("exp"))) {
            return Verdict.refuse("Token is missing required expiration claim");
        }
        String jti = stringClaim(claims, "jti");
        if (settings.requireJti() && jti == null) {
            return Verdict.refuse("Token is missing required JTI claim");
        }
        if (settings.validateTokenEnvironment()) {
            Claim env = claims.get("env");
            if (!absent(env) && !settings.environment().equals(env.asString())) {
                return Verdict.refuse("Token environment mismatch: this gateway serves '" + settings.environment() + "'");
            }
        }
        if (jti != null && snapshot.revoked().contains(jti)) {
            return Verdict.refuse("Token has been revoked");
        }
        Map<String, Object> user = mapClaim(claims, "user");
        String email = email(claims, user, snapshot);
        if (email == null) {
            return Verdict.refuse("Token names no user");
        }
        Boolean admin = admin(email, claims, user, snapshot);
        if (admin == null) {
            return Verdict.refuse("User not found");
        }
        if (snapshot.users() != null && snapshot.users().containsKey(email) && !snapshot.users().get(email).active()) {
            return Verdict.refuse("Account disabled");
        }
        Set<String> scopes = admin ? new LinkedHashSet<>(Scopes.ALL) : new LinkedHashSet<>(USER_SCOPES);
        narrowByTokenScopes(scopes, mapClaim(claims, "scopes"));
        return new Verdict(new ApiKeyIdentity("contextforge:" + (jti == null ? email : jti), email,
                Set.copyOf(scopes), null, null), null);
    }

    /**
     * ContextForge's identity order: signed email metadata ({@code user.email}, {@code email}), a {@code sub} that
     * is not a UUID, and last a UUID {@code sub} looked up in {@code email_users.id}.
     */
    private static String email(Map<String, Claim> claims, Map<String, Object> user, ContextForgeAccounts.Snapshot snapshot) {
        String email = user == null ? null : nonUuid(user.get("email"));
        if (email == null) {
            email = nonUuid(stringClaim(claims, "email"));
        }
        if (email == null) {
            email = nonUuid(stringClaim(claims, "sub"));
        }
        String sub = stringClaim(claims, "sub");
        if (email == null && sub != null && isUuid(sub.strip())) {
            email = nonUuid(snapshot.emailById().get(sub.strip()));
        }
        return email;
    }

    /**
     * True or false when the user may be served, null when ContextForge would refuse them. With its
     * {@code email_users} table present, the table decides as in ContextForge; without it (the gateway on a
     * database of its own) only the signed claims are there to go by.
     */
    private Boolean admin(String email, Map<String, Claim> claims, Map<String, Object> user, ContextForgeAccounts.Snapshot snapshot) {
        boolean platformAdmin = !settings.requireUserInDb() && email.equals(settings.platformAdminEmail());
        if (snapshot.users() != null) {
            ContextForgeAccounts.Account account = snapshot.users().get(email);
            if (account == null) {
                return platformAdmin ? Boolean.TRUE : null;
            }
            return account.admin();
        }
        Claim isAdmin = claims.get("is_admin");
        boolean claimed = !absent(isAdmin) && Boolean.TRUE.equals(isAdmin.asBoolean())
                || user != null && Boolean.TRUE.equals(user.get("is_admin"));
        return claimed || platformAdmin;
    }

    /**
     * An API token's {@code scopes}: a server-bound token or one limited by address or time of day is for MCP
     * servers (ContextForge denies it the LLM endpoints, and the gateway does not enforce those limits), and
     * listed permissions other than {@code *} keep only the LLM permissions they grant.
     */
    private static void narrowByTokenScopes(Set<String> scopes, Map<String, Object> tokenScopes) {
        if (tokenScopes == null) {
            return;
        }
        if (tokenScopes.get("server_id") != null || nonEmpty(tokenScopes.get("ip_restrictions"))
                || nonEmpty(tokenScopes.get("time_restrictions"))) {
            scopes.clear();
            return;
        }
        if (!(tokenScopes.get("permissions") instanceof List<?> permissions) || permissions.isEmpty()
                || permissions.contains("*")) {
            return;
        }
        scopes.removeIf(scope -> !permissions.contains(scope) && !(scope.startsWith("llm.") && permissions.contains("llm.*")));
    }

    /** ContextForge's per-environment key: HMAC-SHA256(JWT_SECRET_KEY, "mcpgw-env:" + ENVIRONMENT) in hex. */
    static String verificationKey(ContextForgeJwtSettings settings) {
        if (!settings.deriveKeyPerEnvironment()) {
            return settings.secretKey();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.secretKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("mcpgw-env:" + settings.environment()).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean absent(Claim claim) {
        return claim == null || claim.isMissing() || claim.isNull();
    }

    private static String stringClaim(Map<String, Claim> claims, String name) {
        Claim claim = claims.get(name);
        return absent(claim) ? null : claim.asString();
    }

    private static Map<String, Object> mapClaim(Map<String, Claim> claims, String name) {
        Claim claim = claims.get(name);
        if (absent(claim)) {
            return null;
        }
        try {
            return claim.asMap();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean nonEmpty(Object value) {
        return value instanceof List<?> list ? !list.isEmpty()
                : value instanceof Map<?, ?> map ? !map.isEmpty()
                : value != null;
    }

    private static String nonUuid(Object value) {
        if (!(value instanceof String s) || s.isBlank() || isUuid(s.strip())) {
            return null;
        }
        return s.strip();
    }

    /** Python's {@code uuid.UUID(s)} acceptance: optional urn/uuid prefix and braces, 32 hex digits, any hyphens. */
    private static boolean isUuid(String value) {
        String hex = value.toLowerCase(Locale.ROOT).replace("urn:", "").replace("uuid:", "");
        if (hex.startsWith("{")) {
            hex = hex.substring(1);
        }
        if (hex.endsWith("}")) {
            hex = hex.substring(0, hex.length() - 1);
        }
        hex = hex.replace("-", "");
        return hex.length() == 32 && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }
}
