package io.camelllmproxy.stream;

import io.camelllmproxy.stream.PushedBytes.Outcome;
import io.camelllmproxy.support.Fixtures;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.camelllmproxy.stream.PushedBytes.parseEveryWay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SSE framing as the specification says, every input also fed cut at every byte position and one byte at a time:
 * the events never depend on where the network cut the body.
 */
class SseEventParserTest {

    static final String CUT = "ended its stream in the middle of an event (connection cut?)";

    static Outcome sse(String text) {
        return parseEveryWay(SseEventParser::new, text);
    }

    static Outcome sse(String text, int maxEventBytes) {
        return parseEveryWay(() -> new SseEventParser(maxEventBytes), text);
    }

    @Test
    void dataLinesAreJoinedWithNewlines() {
        assertEquals(Outcome.clean("first\nsecond\n\nfourth"), sse("data: first\ndata: second\ndata\ndata: fourth\n\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void everyLineEndTheSpecAllowsEndsLinesAndEvents(String eol) {
        String stream = "data: one" + eol + eol + "data:two" + eol + "data:  three" + eol + eol;
        assertEquals(Outcome.clean("one", "two\n three"), sse(stream));
    }

    @Test
    void aCrEndingOnePieceAndTheLfStartingTheNextAreOneLineEnd() throws Exception {
        SseEventParser parser = new SseEventParser();
        List<String> events = new ArrayList<>();
        parser.feed(Buffer.buffer("data: a\r"), events);
        parser.feed(Buffer.buffer(""), events);
        // had the LF been a line of its own, it would have ended the event here, before "b"
        parser.feed(Buffer.buffer("\ndata: b\r"), events);
        assertEquals(List.of(), events);
        parser.feed(Buffer.buffer("\n\r"), events);
        assertEquals(List.of("a\nb"), events);
        parser.feed(Buffer.buffer("\r\r"), events);
        parser.end();
        assertEquals(List.of("a\nb"), events);
    }

    @Test
    void commentsEventIdAndRetryFieldsAreReadPast() {
        String stream = "\uFEFF: hello\nevent: message_start\nid: 7\nretry: 1000\ndata: {\"a\":1}\n\n: keep-alive\n\nevent: ping\n\n"
                + "unknownfield\ndata:x\n\n";
        assertEquals(Outcome.clean("{\"a\":1}", "x"), sse(stream));
    }

    @Test
    void onlyTheByteOrderMarkStartingTheStreamIsDropped() {
        assertEquals(Outcome.clean("a"), sse("\uFEFFdata: a\n\n"));
        // later, the mark is part of the field name: an unknown field, not data
        assertEquals(Outcome.clean("a"), sse("data: a\n\n\uFEFFdata: b\n\n"));
    }

    @Test
    void charactersOfEveryUtf8LengthSurviveAnyCut() {
        assertEquals(Outcome.clean("é € 😀 ok", "ü\n中"), sse("data: é € 😀 ok\r\n\r\ndata:ü\rdata: 中\r\r"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: {\"partial\":", "data: {\"whole\":1}\n", "event: message_stop\n", "data: a\n\ndata: b\r\n",
            "data: a\n\n: keep-al"})
    void anEventCutOffByTheEndOfTheStreamIsAnError(String stream) {
        Outcome outcome = sse(stream);
        assertEquals(CUT, outcome.failure());
        assertEquals(stream.startsWith("data: a\n\n") ? List.of("a") : List.of(), outcome.events());
    }

    @Test
    void aStreamEndingAfterACommentOrNothingEndsCleanly() {
        assertEquals(Outcome.clean("a"), sse("data: a\n\n: bye\n"));
        assertEquals(Outcome.clean(), sse(""));
    }

    @Test
    void anEventLargerThanTheBoundIsAnErrorAfterTheEventsBeforeIt() {
        String big = "x".repeat(40);
        Outcome outcome = sse("data: ok\n\ndata: " + big + "\ndata: " + big + "\n\ndata: never\n\n", 60);
        assertEquals(Outcome.broken("sent a stream event larger than 60 bytes (llm.stream.max-event-bytes)", "ok"), outcome);
    }

    @Test
    void theEventBoundCountsUtf8BytesAndTheJoiningNewlines() {
        assertEquals(Outcome.clean("ab\ncd"), sse("data: ab\ndata: cd\n\n", 5));
        assertTrue(sse("data: ab\ndata: cd\n\n", 4).failure().contains("larger than 4 bytes"));
        assertEquals(Outcome.clean("ééé"), sse("data: ééé\n\n", 6));
        assertTrue(sse("data: ééé\n\n", 5).failure().contains("larger than 5 bytes"));
    }

    @Test
    void aLineLongerThanTheBoundFailsBeforeItIsHeldWhole() {
        // an endless line: the parser must give up at the bound instead of holding bytes until the heap is gone
        SseEventParser parser = new SseEventParser(100_000);
        byte[] piece = new byte[8192];
        Arrays.fill(piece, (byte) 'x');
        List<String> events = new ArrayList<>();
        int fed = 0;
        UpstreamProtocolException failure = null;
        while (failure == null && fed < 1_000_000) {
            try {
                parser.feed(piece, 0, piece.length, events);
                fed += piece.length;
            } catch (UpstreamProtocolException e) {
                failure = e;
            }
        }
        assertTrue(fed <= 100_016, "held " + fed + " bytes of one line");
        assertEquals("sent a stream line longer than 100016 bytes (llm.stream.max-event-bytes)", failure.getMessage());
        assertEquals(List.of(), events);
        // the same whatever the cuts: a comment line counts as well as a data line
        assertEquals(Outcome.broken("sent a stream line longer than 26 bytes (llm.stream.max-event-bytes)", "a"),
                sse("data: a\n\n:" + "c".repeat(26) + "\n\n", 10));
        assertEquals(Outcome.clean("a"), sse("data: a\n\n:" + "c".repeat(25) + "\n\n", 10));
    }

    @Test
    void eventsBeforeABreakInTheSamePieceAreHandedOverAndTheBreakStays() throws Exception {
        SseEventParser parser = new SseEventParser(10);
        List<String> events = new ArrayList<>();
        UpstreamProtocolException failure = assertThrows(UpstreamProtocolException.class,
                () -> parser.feed(Buffer.buffer("data: one\n\ndata: two\n\ndata: " + "z".repeat(11) + "\n\ndata: three\n\n"), events));
        assertEquals(List.of("one", "two"), events);
        assertSame(failure, assertThrows(UpstreamProtocolException.class, () -> parser.feed(Buffer.buffer("data: 4\n\n"), events)));
        assertSame(failure, assertThrows(UpstreamProtocolException.class, parser::end));
        assertEquals(List.of("one", "two"), events);
    }

    @Test
    void theEndCanBeToldTwiceButNothingCanFollowIt() throws Exception {
        SseEventParser parser = new SseEventParser();
        List<String> events = new ArrayList<>();
        parser.feed("data: a\n\n".getBytes(StandardCharsets.UTF_8), 0, 9, events);
        parser.end();
        parser.end();
        assertThrows(IllegalStateException.class, () -> parser.feed(Buffer.buffer("data: b\n\n"), events));
        assertEquals(List.of("a"), events);
    }

    @Test
    void aPieceCanBeARangeOfALargerArray() throws Exception {
        byte[] bytes = "junkdata: a\n\njunk".getBytes(StandardCharsets.UTF_8);
        SseEventParser parser = new SseEventParser();
        List<String> events = new ArrayList<>();
        parser.feed(bytes, 4, 9, events);
        parser.end();
        assertEquals(List.of("a"), events);
        assertThrows(IndexOutOfBoundsException.class, () -> new SseEventParser().feed(bytes, 10, 9, events));
    }

    static Stream<Path> sseFixtures() throws Exception {
        return Files.walk(Fixtures.root()).filter(p -> p.getFileName().toString().equals("upstream-response.sse")).sorted();
    }

    @ParameterizedTest
    @MethodSource("sseFixtures")
    void everyRecordedProviderStreamParsesTheSameWhateverTheCutsAndLineEnds(Path fixture) throws Exception {
        String text = Files.readString(fixture);
        Outcome lf = sse(text);
        assertNull(lf.failure());
        assertFalse(lf.events().isEmpty());
        assertEquals(lf, sse(text.replace("\n", "\r\n")), "CRLF");
        assertEquals(lf, sse(text.replace("\n", "\r")), "CR");
        assertEquals(new ArrayList<>(lf.events()), readerEvents(text), "the pull reader over the same bytes");
    }

    private static List<String> readerEvents(String text) {
        List<String> events = new ArrayList<>();
        new SseEventReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).forEachRemaining(events::addAll);
        return events;
    }
}
