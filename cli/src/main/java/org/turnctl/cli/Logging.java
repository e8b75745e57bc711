package org.turnctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/** Log level and format (text or JSON lines) on stderr, set from the command line. */
final class Logging {

    private Logging() {
    }

    static void configure(String level, String format) throws ServeCommand.ConfigException {
        Level l = Level.toLevel(level, null);
        if (l == null) {
            throw new ServeCommand.ConfigException("--log-level " + level + ": expected error, warn, info, debug or trace");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw new ServeCommand.ConfigException("--log-format " + format + ": expected text or json");
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(l);
        Encoder<ILoggingEvent> encoder;
        if (format.equals("json")) {
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
