package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.net.Addresses;

/**
 * One TCP or TLS client connection, behind {@link org.turnctl.stun.netty.StunStreamFramer} (for
 * TLS, an SslHandler decrypts in front of the framer). Each frame goes to the {@link InboundRouter}. At most one
 * allocation per connection; closing the connection deletes it (RFC 8656 section 3.1).
 */
public final class TcpConnectionHandler extends ChannelInboundHandlerAdapter implements Origin {
    private final InboundRouter router;
    private Channel channel;
    private InetSocketAddress client;
    private FiveTuple fiveTuple;
    private ClientSink sink;
    private final ConnectionSlot slot = new ConnectionSlot(() -> channel == null || !channel.isActive());
    private boolean pendingFlush;

    public TcpConnectionHandler(InboundRouter router) {
        this.router = router;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        client = Addresses.unmapped((InetSocketAddress) channel.remoteAddress());
        sink = new TcpClientSink(channel);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            pendingFlush |= router.route(frame, client, slot.get(), this) != null;
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        Allocation a = slot.get();
        if (pendingFlush && a != null) {
            a.flushRelays();
        }
        pendingFlush = false;
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Allocation a = slot.get();
        if (a != null) {
            a.delete("connection-closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            // A connection that holds no allocation may not sit idle (slowloris); one with an
            // allocation lives as long as the allocation does.
            if (slot.get() == null) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A stream that cannot be framed cannot be resynchronised: count it and close (which
        // deletes the allocation). Anything else is a connection error; close as well.
        router.streamBroken(cause);
        ctx.close();
    }

    /**
     * The 5-tuple, made when the first control message needs it: by then a TLS connection has its
     * SslHandler (on a --tls-on-tcp-listeners port it appears only after the first bytes).
     */
    @Override
    public FiveTuple fiveTuple(InetSocketAddress client) {
        if (fiveTuple == null) {
            Transport transport = channel.pipeline().get(SslHandler.class) != null ? Transport.TLS : Transport.TCP;
            fiveTuple = new FiveTuple(this.client, (InetSocketAddress) channel.localAddress(), transport);
        }
        return fiveTuple;
    }

    @Override
    public ClientSink sink(InetSocketAddress client) {
        return sink;
    }

    @Override
    public AllocationSlot slot(InetSocketAddress client) {
        return slot;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public BehaviorDiscovery.Position discoveryPosition() {
        return null; // RFC 5780 discovery is UDP only
    }

    @Override
    public boolean relays() {
        return true;
    }
}
