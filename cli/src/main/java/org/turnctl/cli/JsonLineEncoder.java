package org.turnctl.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line, with stable keys: {@code ts}, {@code level}, {@code event}
 * (the event name the code gives, else the message), {@code logger}, {@code message}, then the
 * event's SLF4J key-value pairs as keys of their own (allocation lines carry user, client,
 * relay, ...), and {@code error} for a throwable.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(e.getTimeStamp()).toString());
            g.writeStringField("level", e.getLevel().toString().toLowerCase(java.util.Locale.ROOT));
            String event = null;
            if (e.getKeyValuePairs() != null) {
                for (KeyValuePair kv : e.getKeyValuePairs()) {
                    if ("event".equals(kv.key)) {
                        event = String.valueOf(kv.value);
                    }
                }
            }
            g.writeStringField("event", event != null ? event : e.getFormattedMessage());
            g.writeStringField("logger", e.getLoggerName());
            g.writeStringField("message", e.getFormattedMessage());
            if (e.getKeyValuePairs() != null) {
                for (KeyValuePair kv : e.getKeyValuePairs()) {
                    if ("event".equals(kv.key) || kv.key == null) {
                        continue;
                    }
                    if (kv.value instanceof Number n) {
                        g.writeNumberField(kv.key, n.longValue());
                    } else {
                        g.writeStringField(kv.key, String.valueOf(kv.value));
                    }
                }
            }
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                g.writeStringField("error", t.getClassName() + (t.getMessage() != null ? ": " + t.getMessage() : ""));
            }
            g.writeEndObject();
        } catch (IOException ex) {
            return ("{\"level\":\"error\",\"event\":\"log encoding failed\"}\n").getBytes(StandardCharsets.UTF_8);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
