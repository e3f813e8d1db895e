package io.camelllmproxy.stream;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Feeds a body to a {@link StreamParser} in pieces and tells what came out: the events, then the end or the break. */
final class PushedBytes {

    private PushedBytes() {
    }

    /** The events and how the body ended: {@code null} for a clean end, else the break's message. */
    record Outcome(List<String> events, String failure) {
        static Outcome clean(String... events) {
            return new Outcome(List.of(events), null);
        }

        static Outcome broken(String failure, String... events) {
            return new Outcome(List.of(events), failure);
        }
    }

    /** Feeds {@code bytes} cut before each of the ascending positions {@code cuts}, as Vert.x buffers, then ends. */
    static Outcome parse(StreamParser parser, byte[] bytes, int... cuts) {
        List<String> events = new ArrayList<>();
        try {
            int from = 0;
            for (int cut : cuts) {
                parser.feed(Buffer.buffer().appendBytes(bytes, from, cut - from), events);
                from = cut;
            }
            parser.feed(Buffer.buffer().appendBytes(bytes, from, bytes.length - from), events);
            parser.end();
            return new Outcome(events, null);
        } catch (UpstreamProtocolException e) {
            return new Outcome(events, e.getMessage());
        }
    }

    static Outcome parse(StreamParser parser, String text) {
        return parse(parser, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The outcome of {@code text} fed whole, after checking that it is the same fed in two pieces cut at every
     * byte position, and fed one byte at a time (through the array overload, which the buffer one ends in).
     */
    static Outcome parseEveryWay(Supplier<StreamParser> parsers, String text) {
        return parseEveryWay(parsers, text.getBytes(StandardCharsets.UTF_8));
    }

    static Outcome parseEveryWay(Supplier<StreamParser> parsers, byte[] bytes) {
        Outcome whole = parse(parsers.get(), bytes);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertEquals(whole, parse(parsers.get(), bytes, cut), "cut at byte " + cut);
        }
        assertEquals(whole, byteByByte(parsers.get(), bytes), "one byte at a time");
        return whole;
    }

    private static Outcome byteByByte(StreamParser parser, byte[] bytes) {
        List<String> events = new ArrayList<>();
        try {
            for (int i = 0; i < bytes.length; i++) {
                parser.feed(bytes, i, 1, events);
            }
            parser.end();
            return new Outcome(events, null);
        } catch (UpstreamProtocolException e) {
            return new Outcome(events, e.getMessage());
        }
    }
}
