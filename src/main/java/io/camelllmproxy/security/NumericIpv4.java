package io.camelllmproxy.security;

/**
 * Reads a host written as an IPv4 address the way {@code inet_aton} does (which the system resolver uses):
 * one to four parts, each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes.
 * {@code 2852039166}, {@code 0251.0376.0251.0376} and {@code 0xa9fea9fe} all mean 169.254.169.254.
 */
final class NumericIpv4 {

    private NumericIpv4() {
    }

    /** The four bytes {@code host} denotes, or null when it is not a numeric IPv4 form. */
    static byte[] parse(String host) {
        if (host.isEmpty() || host.length() > 64) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long value = part(parts[i]);
            if (value == null) {
                return null;
            }
            values[i] = value;
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (5 - values.length))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long part(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return text.length() > 2 && text.length() <= 10 ? Long.parseLong(text.substring(2), 16) : null;
            }
            if (text.isEmpty() || text.length() > 12 || !text.chars().allMatch(Character::isDigit)) {
                return null;
            }
            return text.length() > 1 && text.charAt(0) == '0' ? Long.parseLong(text.substring(1), 8) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
