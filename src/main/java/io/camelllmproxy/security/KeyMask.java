package io.camelllmproxy.security;

import io.camelllmproxy.error.OpenAiError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides a provider key in anything the gateway relays or logs from that provider: an upstream may echo the
 * key it received in any error field, header or stream event, and whatever it echoes must not reach a client
 * or a log line. Every relay point goes through this one function.
 */
public final class KeyMask {

    /** What a key is replaced with. */
    public static final String MASK = "*****";

    /** Shorter values are not masked: replacing every "abc" in a message would mangle it and hide nothing. */
    private static final int MIN_KEY_LENGTH = 4;

    /** The other spellings of the last keys seen: a relay masks every event, and keys rarely change. */
    private static final Map<String, Forms> FORMS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Forms> eldest) {
            return size() > 64;
        }
    };

    private KeyMask() {
    }

    /**
     * {@code text} with every occurrence of {@code key} replaced by {@link #MASK}: as sent, URL-encoded, or with
     * any of its characters backslash-escaped. An upstream's JSON may write {@code /} as {@code \/} and any
     * character as a backslash, {@code u} and four hex digits, and relayed JSON reaches the client as it came,
     * so the client would decode the key; a JSON string held in a JSON string doubles the backslashes, and those
     * forms are masked too. The whole escape is replaced, so masked JSON stays valid, and text without the key
     * comes back unchanged.
     */
    public static String mask(String text, String key) {
        if (text == null || key == null || key.length() < MIN_KEY_LENGTH) {
            return text;
        }
        Forms forms = forms(key);
        String masked = text.contains(key) ? text.replace(key, MASK) : text;
        if (forms.encoded() != null && masked.contains(forms.encoded())) {
            masked = masked.replace(forms.encoded(), MASK);
        }
        return masked.indexOf('\\') < 0 ? masked : forms.escaped().matcher(masked).replaceAll(MASK);
    }

    /** The key's other spellings, made once per key: every relayed event is masked, so none is made per call. */
    private record Forms(String encoded, Pattern escaped) {
    }

    private static Forms forms(String key) {
        synchronized (FORMS) {
            Forms known = FORMS.get(key);
            if (known != null) {
                return known;
            }
        }
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        Forms forms = new Forms(encoded.equals(key) ? null : encoded, escapedForms(key));
        synchronized (FORMS) {
            FORMS.put(key, forms);
        }
        return forms;
    }

    /**
     * The key with each character as itself or as its {@code u} escape (hex digits in either case), behind a run
     * of up to seven backslashes ({@code \/}, {@code \\\/}: JSON three strings deep). The run is part of the
     * match, so no half of an escape is left behind.
     */
    private static Pattern escapedForms(String key) {
        StringBuilder regex = new StringBuilder();
        for (char c : key.toCharArray()) {
            // runs bounded and possessive: a text of many backslashes must cost linear time, never backtracking
            regex.append("(?:\\\\{0,7}+").append(Pattern.quote(String.valueOf(c)))
                    .append("|\\\\{1,7}+u(?i:").append(String.format("%04x", (int) c)).append("))");
        }
        return Pattern.compile(regex.toString());
    }

    /** The header values masked; names are the gateway's own choice and stay. */
    public static Map<String, String> mask(Map<String, String> headers, String key) {
        if (key == null || headers.isEmpty()) {
            return headers;
        }
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, mask(value, key)));
        return out;
    }

    /** The error with its message, type, code, param and headers masked. */
    public static OpenAiError mask(OpenAiError error, String key) {
        if (error == null || key == null || key.length() < MIN_KEY_LENGTH) {
            return error;
        }
        return new OpenAiError(error.status(), mask(error.type(), key), mask(error.code(), key), mask(error.param(), key),
                mask(error.message(), key), mask(error.headers(), key), error.fields());
    }
}
