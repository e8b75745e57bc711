package org.turnctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code --log-format} and {@code --log-level}: log lines on stderr, as text or JSON lines. */
final class LoggingOptions {

    /** The formats of --log-format. */
    enum Format { text, json }

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "Log lines on stderr: text, or JSON lines with stable keys ts, level, event, ... (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL", converter = Converters.LevelConverter.class,
            description = "error, warn, info, debug or trace (default ${DEFAULT-VALUE}).")
    Level level;

    /** Replaces logback's appenders with one on stderr in the chosen format and level. */
    void apply() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        Encoder<ILoggingEvent> encoder;
        if (format == Format.json) {
            encoder = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder p = new PatternLayoutEncoder();
            p.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n");
            encoder = p;
        }
        encoder.setContext(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
