package org.turnctl.server.tcprelay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.turnctl.server.metrics.TurnMetrics;

/**
 * One direction of a bound RFC 6062 connection pair: what this channel reads goes to {@code other}
 * as it is. Backpressure, not buffering: when {@code other} stops being writable (its outbound
 * buffer past the high water mark), this channel stops reading until it drains. Either side
 * closing closes the other once what was written has been flushed.
 */
final class Splice extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private final TurnMetrics metrics;
    private final TurnMetrics.Direction direction;

    Splice(Channel other, TurnMetrics metrics, TurnMetrics.Direction direction) {
        this.other = other;
        this.metrics = metrics;
        this.direction = direction;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || !other.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        metrics.relayedTcp(direction, bytes.readableBytes());
        other.write(bytes, other.voidPromise());
        if (!other.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        other.flush();
    }

    /** This channel drained: the other side, paused for it, may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            other.config().setAutoRead(true);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (other.isActive()) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a TLS error: the pair ends (channelInactive closes the other side)
    }
}
