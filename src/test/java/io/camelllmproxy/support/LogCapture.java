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

/** Every log event of one logger (and those below it) while open, as "LEVEL message" plus any stack trace. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerConfig logger;
    private final Level previous;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    private LogCapture(Class<?> of, Level level) {
        super("capture-" + of.getSimpleName() + "-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        start();
        LoggerConfig exact = context.getConfiguration().getLoggerConfig(of.getName());
        if (!exact.getName().equals(of.getName())) {
            exact = new LoggerConfig(of.getName(), level, true);
            context.getConfiguration().addLogger(of.getName(), exact);
        }
        logger = exact;
        previous = exact.getLevel();
        logger.addAppender(this, Level.ALL, null);
        logger.setLevel(level);
        context.updateLoggers();
    }

    /** Captures what {@code of} logs at {@code level} and above. */
    public static LogCapture of(Class<?> of, Level level) {
        return new LogCapture(of, level);
    }

    @Override
    public void append(LogEvent event) {
        StringWriter text = new StringWriter();
        text.append(event.getLevel().name()).append(' ').append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            event.getThrown().printStackTrace(new PrintWriter(text));
        }
        lines.add(text.toString());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(getName());
        logger.setLevel(previous);
        context.updateLoggers();
        stop();
    }
}
