package org.turnctl.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.turnctl.server.metrics.TurnMetrics;

/**
 * Counts the outcome of a connection's TLS handshake ({@code turn_tls_handshakes_total}) and
 * leaves the pipeline. Sits after the SslHandler (or after the OptionalSslHandler that may become
 * one); a connection that turns out to be plain TCP never sends the event and costs nothing.
 */
public final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {
    private final TurnMetrics metrics;

    public TlsHandshakeObserver(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            String result = done.isSuccess() ? "ok" : done.cause() instanceof SslHandshakeTimeoutException ? "timeout" : "failed";
            metrics.tlsHandshake("tls", result);
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }
}
