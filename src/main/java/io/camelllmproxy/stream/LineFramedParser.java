package io.camelllmproxy.stream;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * What the SSE and NDJSON parsers share: lines split by {@link LineSplitter}, a break of the framing remembered and
 * thrown again on every later call, and the check at the end that nothing was cut off.
 */
abstract class LineFramedParser implements StreamParser {

    private final LineSplitter lines;
    private UpstreamProtocolException failure;
    private boolean ended;

    LineFramedParser(int maxLineBytes) {
        this.lines = new LineSplitter(maxLineBytes);
    }

    /** Takes one whole line; adds to {@code events} the event it completes, if any. */
    abstract void onLine(byte[] bytes, int from, int to, List<String> events) throws UpstreamProtocolException;

    /** Whether the lines so far leave an event open that only more lines could complete. */
    abstract boolean midEvent();

    /** The failure's message when the body ends inside an event or a line. */
    abstract String cutOffMessage();

    @Override
    public final void feed(Buffer bytes, List<String> events) throws UpstreamProtocolException {
        byte[] copy = bytes.getBytes();
        feed(copy, 0, copy.length, events);
    }

    @Override
    public final void feed(byte[] bytes, int offset, int length, List<String> events) throws UpstreamProtocolException {
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            throw new IllegalStateException("bytes fed after the end of the stream");
        }
        try {
            lines.feed(bytes, offset, length, (line, from, to) -> onLine(line, from, to, events));
        } catch (UpstreamProtocolException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public final void end() throws UpstreamProtocolException {
        if (failure != null) {
            throw failure;
        }
        ended = true;
        if (lines.midLine() || midEvent()) {
            failure = new UpstreamProtocolException(cutOffMessage());
            throw failure;
        }
    }
}
