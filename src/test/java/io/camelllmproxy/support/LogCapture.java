package io.camelllmproxy.support;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records log events while open, for tests about what the gateway logs: either one logger (and those below it)
 * at a chosen level, or the whole JVM with the gateway's own loggers at INFO. The tests' configuration shows
 * errors only on the console, so what a capture raises never floods the run's output.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /**
     * One log event as the test sees it; {@code text} is "LEVEL message" followed by any stack trace, {@code mdc} the
     * logging context it was logged with, {@code thread} the thread that logged it.
     */
    public record Line(Level level, String logger, String message, boolean hasThrowable, String text,
                       java.util.Map<String, String> mdc, String thread) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message + (hasThrowable ? " (with stack trace)" : "");
        }
    }

    private static final String GATEWAY = "io.camelllmproxy";

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig logger;
    private final Level previous;
    private Level previousRoot;
    private final java.util.Map<LoggerConfig, Level> lowered = new java.util.HashMap<>();

    private LogCapture(String loggerName, Level level) {
        super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        start();
        LoggerConfig exact = context.getConfiguration().getLoggerConfig(loggerName);
        if (!exact.getName().equals(loggerName)) {
            exact = new LoggerConfig(loggerName, level, true);
            context.getConfiguration().addLogger(loggerName, exact);
        }
        logger = exact;
        previous = exact.getLevel();
        logger.addAppender(this, Level.ALL, null);
        logger.setLevel(level);
        context.updateLoggers();
    }

    /** Captures what the logger named {@code name} (and those below it) logs at {@code level} and above. */
    public static LogCapture ofLogger(String name, Level level) {
        return new LogCapture(name, level);
    }

    /** Captures what {@code of} logs at {@code level} and above. */
    public static LogCapture of(Class<?> of, Level level) {
        return new LogCapture(of.getName(), level);
    }

    /** Captures every logger of the JVM at its configured level, with the gateway's own at INFO. */
    public static LogCapture open() {
        LogCapture capture = new LogCapture(GATEWAY, Level.INFO);
        // attached at the root only: on both, the gateway's events would reach it twice
        capture.logger.removeAppender(capture.getName());
        capture.context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        capture.context.updateLoggers();
        return capture;
    }

    /**
     * Captures every logger of the JVM down to {@code level}, the gateway's, Camel's and the libraries' alike:
     * for tests that prove a secret appears on no log line whatever levels a host sets.
     */
    public static LogCapture everything(Level level) {
        LogCapture capture = open();
        capture.logger.setLevel(level);
        LoggerConfig root = capture.context.getConfiguration().getRootLogger();
        capture.previousRoot = root.getLevel();
        root.setLevel(level);
        capture.context.updateLoggers();
        return capture;
    }

    /**
     * As {@link #everything}, with every logger the configuration names (the caps the tests' configuration sets on
     * HttpClient and Camel among them) lowered to {@code level} too: a host that logs all at TRACE.
     */
    public static LogCapture everyLogger(Level level) {
        LogCapture capture = everything(level);
        for (LoggerConfig config : capture.context.getConfiguration().getLoggers().values()) {
            if (config != capture.logger && !config.getName().isEmpty()) {
                capture.lowered.put(config, config.getLevel());
                config.setLevel(level);
            }
        }
        capture.context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringWriter text = new StringWriter();
        text.append(event.getLevel().name()).append(' ').append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            event.getThrown().printStackTrace(new PrintWriter(text));
        }
        lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage(),
                event.getThrown() != null, text.toString(), java.util.Map.copyOf(event.getContextData().toMap()),
                event.getThreadName()));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Each event as "LEVEL message" plus any stack trace. */
    public List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    /**
     * Lines at WARN or worse from the gateway and Camel (a pool's housekeeping warning about a busy machine
     * is not the test's subject).
     */
    public List<Line> problems() {
        return lines.stream().filter(l -> l.level().isMoreSpecificThan(Level.WARN))
                .filter(l -> l.logger().startsWith(GATEWAY) || l.logger().startsWith("org.apache.camel")).toList();
    }

    @Override
    public void close() {
        lowered.forEach(LoggerConfig::setLevel);
        if (previousRoot != null) {
            context.getConfiguration().getRootLogger().setLevel(previousRoot);
        }
        context.getConfiguration().getRootLogger().removeAppender(getName());
        logger.removeAppender(getName());
        logger.setLevel(previous);
        context.updateLoggers();
        stop();
    }
}
