package io.camelllmproxy.security;

import io.camelllmproxy.error.OpenAiError;

import java.util.Map;

/**
 * A decrypted provider key, held so that whatever walks, prints or serialises the objects of an exchange
 * (a tracer, a route's {@code ${variable.target...}}, a JSON converter) never reaches it: it has no accessor,
 * its {@link #toString()} says only whether a key is set, and the key leaves it in two ways only, both inside
 * the gateway's Java: masked out of a text an upstream echoed ({@link #mask(String)}), and written into the
 * upstream request by {@link CredentialScheme#apply} in the gateway's own HTTP client.
 */
public final class ProviderCredential {

    /** No key stored: the request goes out without credentials (local model servers). */
    public static final ProviderCredential NONE = new ProviderCredential(null);

    private final String key;

    private ProviderCredential(String key) {
        this.key = key;
    }

    /** {@code key} held opaquely; null or blank: {@link #NONE}. */
    public static ProviderCredential of(String key) {
        return key == null || key.isBlank() ? NONE : new ProviderCredential(key);
    }

    public boolean isPresent() {
        return key != null;
    }

    /** {@code text} with the key in any spelling replaced by {@link KeyMask#MASK}. */
    public String mask(String text) {
        return KeyMask.mask(text, key);
    }

    /** The header values masked. */
    public Map<String, String> mask(Map<String, String> headers) {
        return KeyMask.mask(headers, key);
    }

    /** The error's every text masked. */
    public OpenAiError mask(OpenAiError error) {
        return KeyMask.mask(error, key);
    }

    /** The key itself, for {@link CredentialScheme} only. */
    String reveal() {
        return key;
    }

    @Override
    public String toString() {
        return key == null ? "ProviderCredential[none]" : "ProviderCredential[set]";
    }
}
