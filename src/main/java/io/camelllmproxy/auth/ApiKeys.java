package io.camelllmproxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Making gateway keys and the one-way form they are stored in. */
public final class ApiKeys {

    /** Every gateway key starts so, which lets secret scanners recognise one. */
    public static final String PREFIX = "sk-llmp-";
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key: the prefix and 40 random characters (about 238 bits). */
    public static String generate() {
        StringBuilder key = new StringBuilder(PREFIX);
        for (int i = 0; i < 40; i++) {
            key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return key.toString();
    }

    /** What a listing shows of a key: enough to tell keys apart, too little to use. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 4));
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static String hashHex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }
}
