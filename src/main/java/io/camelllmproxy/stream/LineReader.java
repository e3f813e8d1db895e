package io.camelllmproxy.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a byte stream, asking it for more bytes only when no whole line is buffered.
 * {@code InputStreamReader} cannot be used here: it keeps reading while the stream reports bytes
 * available, and HttpClient's chunked stream reports the next chunk's framing as available, so the
 * reader would block on the next token before handing over the current one.
 * <p>
 * Lines end with LF, CRLF or a lone CR, as the SSE specification allows. A line longer than the bound is an
 * {@link UpstreamProtocolException} rather than an ever-growing buffer; a last line without its terminator
 * is not returned, and {@link #endedMidLine()} tells that the stream was cut.
 */
final class LineReader {

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;
    /** The previous line ended with CR: an LF right after it is part of that terminator. */
    private boolean skipLf;
    private boolean endedMidLine;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line if a whole one is already buffered, else null; never reads from the stream. */
    String bufferedLine() {
        return scan(0);
    }

    /** The next line without its terminator, or null at the end of the stream. */
    String readLine() throws IOException {
        int scanned = 0;
        while (true) {
            String line = scan(scanned);
            if (line != null) {
                return line;
            }
            scanned = end - start;
            if (scanned > maxLineBytes) {
                throw new UpstreamProtocolException("sent a stream line longer than " + maxLineBytes
                        + " bytes (llm.stream.max-event-bytes)");
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                endedMidLine = end > start;
                start = end;
                return null;
            }
            end += read;
        }
    }

    /** Whether the stream ended after bytes that no line terminator closed. */
    boolean endedMidLine() {
        return endedMidLine;
    }

    private String scan(int alreadyScanned) {
        if (skipLf && start < end) {
            if (buffer[start] == '\n') {
                start++;
            }
            skipLf = false;
        }
        for (int i = start + alreadyScanned; i < end; i++) {
            byte b = buffer[i];
            if (b == '\n' || b == '\r') {
                String line = new String(buffer, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
                skipLf = b == '\r';
                return line;
            }
        }
        return null;
    }
}
