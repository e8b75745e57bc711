package org.turnctl.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.turnctl.server.metrics.TurnMetrics;

/** Each handshake outcome is counted once, under its result, and the observer then leaves the pipeline. */
class TlsHandshakeObserverTest {
    private final List<String> counted = new ArrayList<>();
    private final TurnMetrics metrics = new TurnMetrics() {
        @Override
        public void tlsHandshake(String transport, String result) {
            counted.add(transport + "/" + result);
        }
    };

    private void outcome(SslHandshakeCompletionEvent event) {
        EmbeddedChannel ch = new EmbeddedChannel(new TlsHandshakeObserver(metrics));
        ch.pipeline().fireUserEventTriggered(event);
        assertNull(ch.pipeline().get(TlsHandshakeObserver.class), "counted once, then gone");
        ch.finishAndReleaseAll();
    }

    @Test
    void okFailedAndTimeout() {
        outcome(SslHandshakeCompletionEvent.SUCCESS);
        outcome(new SslHandshakeCompletionEvent(new SSLHandshakeException("no cipher suites in common")));
        outcome(new SslHandshakeCompletionEvent(new SslHandshakeTimeoutException("handshake timed out after 10000ms")));
        assertEquals(List.of("tls/ok", "tls/failed", "tls/timeout"), counted);
    }
}
