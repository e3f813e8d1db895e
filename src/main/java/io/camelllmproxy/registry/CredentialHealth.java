package io.camelllmproxy.registry;

import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether every stored provider key decrypts with the configured secret. A wrong
 * {@code AUTH_ENCRYPTION_SECRET} would otherwise go unnoticed until the first chat answered 500. The
 * registry-reload route hands it the registry snapshot at start and after each registry change; a provider
 * whose key stops decrypting is logged once at ERROR (by name, never the key or secret), and
 * {@link #unreadableEnabled()} makes the gateway's health answer report the gateway not ready.
 */
public class CredentialHealth {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialHealth.class);

    /** A provider whose stored key does not decrypt. */
    public record Unreadable(String provider, boolean enabled, String reason) {
    }

    /** What one installed snapshot says: the unreadable providers, and each ciphertext's result to reuse. */
    private record Snapshot(Map<String, Unreadable> unreadable, Map<String, String> failureByCiphertext) {
    }

    private final CredentialCipher cipher;
    private final SnapshotGenerations.Installed installed = new SnapshotGenerations.Installed();
    private volatile Snapshot current = new Snapshot(Map.of(), Map.of());
    private volatile boolean checked;

    public CredentialHealth(CredentialCipher cipher) {
        this.cipher = cipher;
    }

    /** Checks the rows of {@code sql/registry-snapshot.sql} unconditionally (tests). */
    public void refresh(List<Map<String, Object>> registryRows) {
        refresh(registryRows, SnapshotGenerations.UNORDERED);
    }

    /**
     * Called by the registry-reload route with the rows of {@code sql/registry-snapshot.sql} (one per model, or
     * one per provider without models) read under {@code generation}. A snapshot read before the installed one
     * is dropped: it would report a key fixed since as unreadable again, and log the change twice.
     */
    public void refresh(List<Map<String, Object>> registryRows, long generation) {
        // AES only for ciphertexts the installed snapshot has not tried: a reload every few seconds changes none
        Map<String, String> known = current.failureByCiphertext();
        Map<String, String> failures = new HashMap<>();
        Map<String, Unreadable> now = new TreeMap<>();
        for (Map<String, Object> row : registryRows) {
            Object stored = row.get("api_key");
            if (stored == null || stored.toString().isBlank()) {
                continue;
            }
            String ciphertext = stored.toString();
            String failure = failures.containsKey(ciphertext) ? failures.get(ciphertext)
                    : known.containsKey(ciphertext) ? known.get(ciphertext) : decrypt(ciphertext);
            failures.put(ciphertext, failure);
            if (failure != null) {
                String name = String.valueOf(row.get("provider_name"));
                now.put(name, new Unreadable(name, enabled(row.get("provider_enabled")), failure));
            }
        }
        // the comparison with what was installed, the log lines and the swap happen under one lock, in order
        installed.installIfCurrent(generation, () -> {
            log(current.unreadable(), now);
            current = new Snapshot(Collections.unmodifiableMap(now), failures);
            checked = true;
        });
    }

    private static void log(Map<String, Unreadable> before, Map<String, Unreadable> now) {
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
        return List.copyOf(current.unreadable().values());
    }

    /** Enabled providers whose key does not decrypt: while there is one, the gateway is not ready. */
    public List<Unreadable> unreadableEnabled() {
        return unreadable().stream().filter(Unreadable::enabled).toList();
    }

    private static boolean enabled(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && ("true".equalsIgnoreCase(value.toString()) || "1".equals(value.toString()));
    }
}
