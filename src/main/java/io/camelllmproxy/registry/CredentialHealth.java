package io.camelllmproxy.registry;

import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether every stored provider key decrypts with the configured secret. A wrong
 * {@code AUTH_ENCRYPTION_SECRET} would otherwise go unnoticed until the first chat answered 500. The
 * registry-reload route hands it every provider row at start and after each registry change; a provider
 * whose key stops decrypting is logged once at ERROR (by name, never the key or secret), and
 * {@link #unreadableEnabled()} makes {@code /health} report the gateway not ready.
 */
public class CredentialHealth {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialHealth.class);

    /** A provider whose stored key does not decrypt. */
    public record Unreadable(String provider, boolean enabled, String reason) {
    }

    private final CredentialCipher cipher;
    /** Ciphertexts already tried, so a reload every few seconds does not redo AES for unchanged keys. */
    private volatile Map<String, String> failureByCiphertext = Map.of();
    private volatile Map<String, Unreadable> unreadable = Map.of();
    private volatile boolean checked;

    public CredentialHealth(CredentialCipher cipher) {
        this.cipher = cipher;
    }

    /** Called by the registry-reload route with the rows of {@code sql/provider-credentials.sql}. */
    public void refresh(List<Map<String, Object>> providers) {
        Map<String, String> failures = new HashMap<>();
        Map<String, Unreadable> now = new TreeMap<>();
        for (Map<String, Object> row : providers) {
            Object stored = row.get("api_key");
            if (stored == null || stored.toString().isBlank()) {
                continue;
            }
            String ciphertext = stored.toString();
            String failure = failureByCiphertext.containsKey(ciphertext) ? failureByCiphertext.get(ciphertext) : decrypt(ciphertext);
            failures.put(ciphertext, failure);
            if (failure != null) {
                String name = String.valueOf(row.get("name"));
                now.put(name, new Unreadable(name, enabled(row.get("enabled")), failure));
            }
        }
        Map<String, Unreadable> before = unreadable;
        for (Unreadable u : now.values()) {
            if (!before.containsKey(u.provider())) {
                LOG.error("The API key stored for provider '{}' does not decrypt ({}); check AUTH_ENCRYPTION_SECRET or set "
                        + "the key again through the admin API{}", u.provider(), u.reason(), u.enabled() ? "" : " (provider disabled)");
            }
        }
        for (String name : before.keySet()) {
            if (!now.containsKey(name)) {
                LOG.info("The API key of provider '{}' is readable again, or the provider is gone", name);
            }
        }
        failureByCiphertext = failures;
        unreadable = now;
        checked = true;
    }

    private String decrypt(String ciphertext) {
        try {
            cipher.decryptApiKey(ciphertext);
            return null;
        } catch (CredentialException e) {
            return e.getMessage();
        }
    }

    /** False until the first registry load has been checked. */
    public boolean checked() {
        return checked;
    }

    /** Every provider whose key does not decrypt, by name. */
    public List<Unreadable> unreadable() {
        return List.copyOf(unreadable.values());
    }

    /** Enabled providers whose key does not decrypt: while there is one, the gateway is not ready. */
    public List<Unreadable> unreadableEnabled() {
        return unreadable.values().stream().filter(Unreadable::enabled).toList();
    }

    private static boolean enabled(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && ("true".equalsIgnoreCase(value.toString()) || "1".equals(value.toString()));
    }
}
