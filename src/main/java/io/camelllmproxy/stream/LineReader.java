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
 */
final class LineReader {

    private final InputStream in;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line if a whole one is already buffered, else null; never reads from the stream. */
    String bufferedLine() {
        for (int i = start; i < end; i++) {
            if (buffer[i] == '\n') {
                int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                String line = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                start = i + 1;
                return line;
            }
        }
        return null;
    }

    /** The next line without its terminator (LF or CRLF), or null at the end of the stream. */
    String readLine() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    return line;
                }
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            scanFrom = end;
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                if (end > start) {
                    String rest = new String(buffer, start, end - start, StandardCharsets.UTF_8);
                    start = end;
                    return rest;
                }
                return null;
            }
            end += read;
        }
    }
}
