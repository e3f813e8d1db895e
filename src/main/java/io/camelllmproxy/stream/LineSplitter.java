package io.camelllmproxy.stream;

import java.util.Arrays;
import java.util.Objects;

/**
 * Splits pushed bytes into lines ending with LF, CRLF or a lone CR, as the SSE specification allows, with a CR at
 * the end of one piece and its LF at the start of the next still one terminator. A line lies in the piece it
 * arrived in when it can (no copy); a line spread over pieces is held until its end arrives. A line longer than
 * the bound fails as soon as more than the bound has arrived, rather than growing without end; the bound does not
 * depend on how the bytes are cut into pieces.
 */
final class LineSplitter {

    /** Receives one line, without its terminator, as a range of bytes valid only during the call. */
    @FunctionalInterface
    interface LineHandler {
        void onLine(byte[] bytes, int from, int to) throws UpstreamProtocolException;
    }

    /** A held buffer grown past this for a long line is let go after it, not kept for the rest of the stream. */
    private static final int KEPT_CAPACITY = 16 * 1024;

    private final int maxLineBytes;
    private byte[] held = new byte[0];
    private int heldLength;
    /** The last line ended with a CR at the end of a piece: an LF starting the next piece belongs to it. */
    private boolean skipLf;

    LineSplitter(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    void feed(byte[] bytes, int offset, int length, LineHandler handler) throws UpstreamProtocolException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int end = offset + length;
        int i = offset;
        if (skipLf && i < end) {
            if (bytes[i] == '\n') {
                i++;
            }
            skipLf = false;
        }
        int lineStart = i;
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (heldLength > 0) {
                hold(bytes, lineStart, i);
                int lineLength = heldLength;
                heldLength = 0;
                handler.onLine(held, 0, lineLength);
                if (held.length > KEPT_CAPACITY) {
                    held = new byte[0];
                }
            } else {
                requireWithinBound(i - lineStart);
                handler.onLine(bytes, lineStart, i);
            }
            if (b == '\r') {
                if (i + 1 == end) {
                    skipLf = true;
                } else if (bytes[i + 1] == '\n') {
                    i++;
                }
            }
            lineStart = i + 1;
        }
        hold(bytes, lineStart, end);
    }

    /** Whether bytes that no terminator has closed yet are held. */
    boolean midLine() {
        return heldLength > 0;
    }

    private void hold(byte[] bytes, int from, int to) throws UpstreamProtocolException {
        int length = to - from;
        if (length == 0) {
            return;
        }
        requireWithinBound((long) heldLength + length);
        if (heldLength + length > held.length) {
            held = Arrays.copyOf(held, Math.min(Math.max(held.length * 2, Math.max(heldLength + length, 256)),
                    maxLineBytes));
        }
        System.arraycopy(bytes, from, held, heldLength, length);
        heldLength += length;
    }

    private void requireWithinBound(long lineBytes) throws UpstreamProtocolException {
        if (lineBytes > maxLineBytes) {
            throw new UpstreamProtocolException("sent a stream line longer than " + maxLineBytes
                    + " bytes (llm.stream.max-event-bytes)");
        }
    }
}
