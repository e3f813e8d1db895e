package io.camelllmproxy.stream;

/**
 * Reassembles Server-Sent Events from lines, per the HTML living standard: {@code data:} lines of one event
 * are joined with newlines and the event is complete at the blank line. Comments, {@code event:},
 * {@code id:} and {@code retry:} lines carry nothing a chat chunk needs.
 */
public final class SseEventParser {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line (without its line break); returns the event's data when this line completes one. */
    public String onLine(String line) {
        if (line.isEmpty()) {
            return take();
        }
        if (line.startsWith("data:")) {
            int start = line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5;
            if (hasData) {
                data.append('\n');
            }
            data.append(line, start, line.length());
            hasData = true;
        }
        return null;
    }

    /** The event still open when the stream ended without its closing blank line, if any. */
    public String finish() {
        return take();
    }

    private String take() {
        if (!hasData) {
            return null;
        }
        String event = data.toString();
        data.setLength(0);
        hasData = false;
        return event;
    }
}
