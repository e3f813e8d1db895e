package io.camelllmproxy.stream;

import io.camelllmproxy.stream.PushedBytes.Outcome;
import io.camelllmproxy.support.Fixtures;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.camelllmproxy.stream.PushedBytes.parseEveryWay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** NDJSON lines, every input also fed cut at every byte position and one byte at a time. */
class NdjsonLineParserTest {

    static final String CUT = "ended its stream in the middle of a line (connection cut?)";

    static Outcome ndjson(String text) {
        return parseEveryWay(NdjsonLineParser::new, text);
    }

    static Outcome ndjson(String text, int maxLineBytes) {
        return parseEveryWay(() -> new NdjsonLineParser(maxLineBytes), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void linesAreSplitAtEveryLineEndAndBlankLinesSkipped(String eol) {
        assertEquals(Outcome.clean("{\"a\":1}", "{\"b\":\"é😀\"}"),
                ndjson("{\"a\":1}" + eol + eol + " \t" + eol + "\u2003" + eol + "{\"b\":\"é😀\"}" + eol));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}\n{\"b\":", "{\"a\":1}\n{\"b\":2}", "{\"a\":1}\n  "})
    void aLastLineWithoutItsNewlineIsAnError(String stream) {
        assertEquals(Outcome.broken(CUT, "{\"a\":1}"), ndjson(stream));
    }

    @Test
    void aLineLongerThanTheBoundIsAnErrorAfterTheLinesBeforeIt() {
        String line = "{\"a\":\"" + "y".repeat(192) + "\"}";
        assertEquals(200, line.length());
        assertEquals(Outcome.clean(line, line), ndjson(line + "\n" + line + "\r\n", 200));
        assertEquals(Outcome.broken("sent a stream line longer than 200 bytes (llm.stream.max-event-bytes)", line),
                ndjson(line + "\n" + line.replace("yy", "éy") + "\n" + line + "\n", 200));
    }

    @Test
    void aBreakStaysBroken() throws Exception {
        NdjsonLineParser parser = new NdjsonLineParser(3);
        List<String> lines = new ArrayList<>();
        UpstreamProtocolException failure = assertThrows(UpstreamProtocolException.class,
                () -> parser.feed(Buffer.buffer("{}\n{\"a\":1}\n"), lines));
        assertEquals(List.of("{}"), lines);
        assertSame(failure, assertThrows(UpstreamProtocolException.class, () -> parser.feed(Buffer.buffer("{}\n"), lines)));
        assertSame(failure, assertThrows(UpstreamProtocolException.class, parser::end));
    }

    static Stream<Path> ndjsonFixtures() throws Exception {
        return Files.walk(Fixtures.root()).filter(p -> p.getFileName().toString().equals("upstream-response.ndjson")).sorted();
    }

    @ParameterizedTest
    @MethodSource("ndjsonFixtures")
    void everyRecordedProviderStreamParsesTheSameWhateverTheCutsAndLineEnds(Path fixture) throws Exception {
        String text = Files.readString(fixture);
        Outcome lf = ndjson(text);
        assertFalse(lf.events().isEmpty());
        assertEquals(lf, ndjson(text.replace("\n", "\r\n")), "CRLF");
        assertEquals(lf, ndjson(text.replace("\n", "\r")), "CR");
    }
}
