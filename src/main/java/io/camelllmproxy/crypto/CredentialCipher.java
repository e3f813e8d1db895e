package io.camelllmproxy.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.transform.Json;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts and decrypts stored credentials in ContextForge's format, so a database written by either
 * side is readable by the other: AES-256-GCM keyed by SHA-256 of the secret, a 12-byte random nonce,
 * no associated data, and the text is unpadded base64url of {@code nonce || ciphertext || tag}.
 */
public final class CredentialCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public CredentialCipher(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the encryption secret is empty");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(digest, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Encrypts a provider API key as the reference stores it in {@code llm_providers.api_key}. */
    public String encryptApiKey(String apiKey) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("api_key", apiKey);
        return encrypt(Json.compact(node), randomNonce());
    }

    /** Encrypts a config secret as the reference does: the encryption of {@code {"data": value}}. */
    public String encryptConfigSecret(JsonNode value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("data", value);
        return encrypt(Json.compact(node), randomNonce());
    }

    /** Decrypts {@code llm_providers.api_key}; the key is the {@code api_key} member of the plaintext. */
    public String decryptApiKey(String stored) throws CredentialException {
        JsonNode value = decryptJson(stored).get("api_key");
        if (value == null || !value.isTextual()) {
            throw new CredentialException("the decrypted credential has no api_key member");
        }
        return value.asText();
    }

    /** Decrypts a config secret: {@code {"data": value}}, or the legacy {@code {"value": value}}. */
    public JsonNode decryptConfigSecret(String stored) throws CredentialException {
        JsonNode plain = decryptJson(stored);
        JsonNode value = plain.has("data") ? plain.get("data") : plain.get("value");
        if (value == null) {
            throw new CredentialException("the decrypted config secret has neither data nor value");
        }
        return value;
    }

    String encrypt(byte[] plaintext, byte[] nonce) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    private JsonNode decryptJson(String stored) throws CredentialException {
        if (stored == null || stored.isBlank()) {
            throw new CredentialException("the stored credential is empty");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(stored.trim());
        } catch (IllegalArgumentException e) {
            throw new CredentialException("the stored credential is not base64url");
        }
        if (raw.length <= NONCE_BYTES + TAG_BITS / 8) {
            throw new CredentialException("the stored credential is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return Json.MAPPER.readTree(plain);
        } catch (GeneralSecurityException e) {
            throw new CredentialException("the stored credential does not decrypt with the configured secret");
        } catch (java.io.IOException e) {
            throw new CredentialException("the decrypted credential is not JSON");
        }
    }

    private static byte[] randomNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
