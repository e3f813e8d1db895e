package io.camelllmproxy.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSE and NDJSON framing as the specifications say, read one byte at a time so that every boundary is crossed. */
class SseEventReaderTest {

    /** A stream that hands out one byte per read, as a slow network might. */
    static InputStream trickle(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[at++];
                return 1;
            }
        };
    }

    static List<String> all(Iterator<List<String>> reader) {
        List<String> out = new ArrayList<>();
        while (reader.hasNext()) {
            out.addAll(reader.next());
        }
        return out;
    }

    static List<String> sse(String text) {
        return all(new SseEventReader(trickle(text)));
    }

    @Test
    void dataLinesAreJoinedWithNewlines() {
        assertEquals(List.of("first\nsecond\n\nfourth"), sse("data: first\ndata: second\ndata\ndata: fourth\n\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void everyLineEndTheSpecAllowsEndsLinesAndEvents(String eol) {
        String stream = "data: one" + eol + eol + "data:two" + eol + "data:  three" + eol + eol;
        assertEquals(List.of("one", "two\n three"), sse(stream));
    }

    @Test
    void commentsEventIdAndRetryFieldsAreReadPast() {
        String stream = "\uFEFF: hello\nevent: message_start\nid: 7\nretry: 1000\ndata: {\"a\":1}\n\n: keep-alive\n\nevent: ping\n\n"
                + "unknownfield\ndata:x\n\n";
        assertEquals(List.of("{\"a\":1}", "x"), sse(stream));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: {\"partial\":", "data: {\"whole\":1}\n", "event: message_stop\n", "data: a\n\ndata: b\r\n"})
    void anEventCutOffByTheEndOfTheStreamIsAnError(String stream) {
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> sse(stream));
        assertInstanceOf(UpstreamProtocolException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("middle of"), failure.getCause().getMessage());
    }

    @Test
    void anEventLargerThanTheBoundIsAnErrorNotAnOutOfMemoryError() {
        String big = "x".repeat(4096);
        SseEventReader reader = new SseEventReader(new ByteArrayInputStream(("data: ok\n\ndata: " + big + "\ndata: " + big + "\n\n")
                .getBytes(StandardCharsets.UTF_8)), 6000);
        assertEquals(List.of("ok"), reader.next());
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, reader::next);
        assertTrue(failure.getCause().getMessage().contains("larger than 6000 bytes"), failure.getCause().getMessage());
    }

    @Test
    void aLineLongerThanTheBoundFailsBeforeItIsHeldWhole() {
        // an endless line: the reader must give up at the bound instead of buffering until the heap is gone
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> new SseEventReader(endless, 100_000).next());
        assertInstanceOf(UpstreamProtocolException.class, failure.getCause());
    }

    @Test
    void ndjsonLinesAreSplitAndACutLastLineIsAnError() {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), all(new NdjsonLineReader(trickle("{\"a\":1}\r\n\n{\"b\":2}\n"))));
        UncheckedIOException cut = assertThrows(UncheckedIOException.class,
                () -> all(new NdjsonLineReader(trickle("{\"a\":1}\n{\"b\":"))));
        assertInstanceOf(UpstreamProtocolException.class, cut.getCause());
        UncheckedIOException big = assertThrows(UncheckedIOException.class,
                () -> all(new NdjsonLineReader(trickle("{\"a\":\"" + "y".repeat(300) + "\"}\n"), 200)));
        assertInstanceOf(UpstreamProtocolException.class, big.getCause());
    }

    @Test
    void eventsReadTogetherWithABreakComeOutBeforeIt() {
        SseEventReader reader = new SseEventReader(new ByteArrayInputStream(("data: ok\n\ndata: " + "x".repeat(6010) + "\n\n")
                .getBytes(StandardCharsets.UTF_8)), 6000);
        assertEquals(List.of("ok"), reader.next());
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, reader::next);
        assertTrue(failure.getCause().getMessage().contains("larger than 6000 bytes"), failure.getCause().getMessage());
        assertFalse(reader.hasNext());
    }

    @Test
    void aWholeEventIsHandedOverWithoutReadingAgain() {
        // the provider has sent one event and waits: a second read here would hold that event back
        byte[] first = "data: a\n\ndata: b\n\ndata: c".getBytes(StandardCharsets.UTF_8);
        InputStream waiting = new InputStream() {
            int reads;

            @Override
            public int read() {
                throw new AssertionError("read a single byte");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (reads++ > 0) {
                    throw new AssertionError("read again although whole events were there");
                }
                System.arraycopy(first, 0, b, off, first.length);
                return first.length;
            }
        };
        assertEquals(List.of("a", "b"), new SseEventReader(waiting).next());
    }
}
