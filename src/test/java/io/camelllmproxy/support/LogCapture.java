package io.camelllmproxy.support;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every log event of the JVM while open: level, logger, message, and whether a stack trace came with it. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One log event as the test sees it. */
    public record Line(Level level, String logger, String message, boolean hasThrowable) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message + (hasThrowable ? " (with stack trace)" : "");
        }
    }

    private static final String GATEWAY = "io.camelllmproxy";

    private final Level previous = LogManager.getLogger(GATEWAY).getLevel();
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    private LogCapture(String name) {
        super(name, null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture open() {
        LogCapture capture = new LogCapture("capture-" + System.nanoTime());
        capture.start();
        capture.context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        // the tests' configuration logs warnings only; the gateway's own INFO lines are part of what is checked
        Configurator.setLevel(GATEWAY, Level.INFO);
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage(),
                event.getThrown() != null));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
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
        Configurator.setLevel(GATEWAY, previous);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
