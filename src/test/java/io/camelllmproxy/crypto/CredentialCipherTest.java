package io.camelllmproxy.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Byte compatibility with ContextForge's credential format. The reference blobs below were made with the
 * reference algorithm (Python {@code cryptography}'s AESGCM, key = SHA-256 of the secret, base64url
 * without padding of nonce || ciphertext || tag) for the secret {@code contextforge-test-secret}:
 * <pre>
 * key = hashlib.sha256(secret.encode()).digest()
 * blob = base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, orjson.dumps(obj), None)).rstrip(b"=")
 * </pre>
 */
class CredentialCipherTest {

    static final String SECRET = "contextforge-test-secret";
    /** {"api_key":"sk-test-1234567890"} under the nonce 00 01 .. 0b. */
    static final String FIXED_NONCE_BLOB = "AAECAwQFBgcICQoLXpUyuY-AlAO_ZRaTi5AEMXpRo55p1mJsHUjL_4G8xGdFAJ1ywGHF-2ypoM2e9w6j";
    /** {"api_key":"sk-random-nonce-key"} under a random nonce. */
    static final String RANDOM_NONCE_BLOB = "rvDqD134W-MCmJiw1kN8ba-rsqTurUVXxJoxDHwP4hk8N_8IwdenpN85DdH4d373O1es7GqMpjxfS8sVUQ";
    /** A config secret, {"data":{"token":"abc"}}. */
    static final String CONFIG_BLOB = "4Gp2N0Yt9WW0heTqtSEkT-Vo2a08JSzPekdz3DlI2uXppIJxAIXHsZ9rRa3idi94N-zECA";
    /** A legacy config secret, {"value":"legacy-secret"}. */
    static final String LEGACY_BLOB = "ksVWkf_Z3WknWJUBjGSa3RSDZugxkRE4NYZou48qqAx4l5oh8k1Ehe3lHp9linBzItRmPe4";

    final CredentialCipher cipher = new CredentialCipher(SECRET);

    @Test
    void encryptsExactlyAsTheReferenceForTheSameNonce() {
        byte[] nonce = new byte[12];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) i;
        }
        String ours = cipher.encrypt("{\"api_key\":\"sk-test-1234567890\"}".getBytes(StandardCharsets.UTF_8), nonce);
        assertEquals(FIXED_NONCE_BLOB, ours);
    }

    @Test
    void decryptsBlobsTheReferenceWrote() throws Exception {
        assertEquals("sk-test-1234567890", cipher.decryptApiKey(FIXED_NONCE_BLOB));
        assertEquals("sk-random-nonce-key", cipher.decryptApiKey(RANDOM_NONCE_BLOB));
        assertEquals("abc", cipher.decryptConfigSecret(CONFIG_BLOB).get("token").asText());
        assertEquals("legacy-secret", cipher.decryptConfigSecret(LEGACY_BLOB).asText());
    }

    @Test
    void roundTripsWithAFreshNonceEachTime() throws Exception {
        String first = cipher.encryptApiKey("sk-\u00e9\"quoted\"");
        String second = cipher.encryptApiKey("sk-\u00e9\"quoted\"");
        assertNotEquals(first, second);
        assertEquals("sk-\u00e9\"quoted\"", cipher.decryptApiKey(first));
        assertEquals(-1, first.indexOf('='), "no base64 padding");
    }

    @Test
    void aWrongSecretOrDamagedBlobFailsWithoutRevealingAnything() {
        CredentialCipher other = new CredentialCipher("another-secret");
        CredentialException wrong = assertThrows(CredentialException.class, () -> other.decryptApiKey(FIXED_NONCE_BLOB));
        assertEquals("the stored credential does not decrypt with the configured secret", wrong.getMessage());
        assertThrows(CredentialException.class, () -> cipher.decryptApiKey("not base64 !"));
        assertThrows(CredentialException.class, () -> cipher.decryptApiKey("AAEC"));
        assertThrows(CredentialException.class, () -> cipher.decryptApiKey(CONFIG_BLOB), "a config blob has no api_key");
    }
}
