package org.turnctl.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.handler.AllocationSlot;
import org.turnctl.server.handler.RequestContext;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.relay.DataPath;
import org.turnctl.server.relay.TcpClientSink;
import org.turnctl.stun.Demux;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;

/**
 * One TCP client connection, behind {@link org.turnctl.stun.netty.StunStreamFramer}. At most one
 * allocation per connection; closing the connection deletes it (RFC 8656 section 3.1).
 */
final class TcpConnectionHandler extends ChannelInboundHandlerAdapter implements AllocationSlot {
    private final ServerContext server;
    private final RequestDispatcher dispatcher;
    private FiveTuple fiveTuple;
    private TcpClientSink sink;
    private Allocation allocation;
    private boolean pendingFlush;
    private io.netty.channel.Channel channel;

    TcpConnectionHandler(ServerContext server, RequestDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        fiveTuple = new FiveTuple(Addresses.unmapped((InetSocketAddress) ctx.channel().remoteAddress()),
                (InetSocketAddress) ctx.channel().localAddress(), Transport.TCP);
        sink = new TcpClientSink(ctx.channel());
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (Demux.classify(frame)) {
                case CHANNEL_DATA -> pendingFlush |= DataPath.channelData(allocation, frame, server.now()) != null;
                case STUN -> {
                    if (DataPath.isSendIndication(frame)) {
                        pendingFlush |= DataPath.sendIndication(allocation, frame, server.now(), server.ports()) != null;
                    } else {
                        control(ctx, frame);
                    }
                }
                default -> server.malformed.incrementAndGet();
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        Allocation a = allocation;
        if (pendingFlush && a != null) {
            a.relayChannel().flush();
        }
        pendingFlush = false;
        super.channelReadComplete(ctx);
    }

    private void control(ChannelHandlerContext ctx, ByteBuf frame) {
        StunMessage msg;
        try {
            msg = StunCodec.decode(frame);
        } catch (StunDecodeException e) {
            server.malformed.incrementAndGet();
            BadRequests.answer(e, sink);
            return;
        }
        dispatcher.handle(new RequestContext(server, ctx.channel().eventLoop(), msg, fiveTuple, sink, this));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Allocation a = allocation;
        if (a != null) {
            a.delete("connection-closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            if (allocation == null) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A stream that cannot be framed cannot be resynchronised: close it (which deletes the
        // allocation). Anything else is a connection error; close as well.
        if (cause instanceof DecoderException) {
            server.malformed.incrementAndGet();
        }
        ctx.close();
    }

    @Override
    public Allocation get() {
        return allocation;
    }

    @Override
    public void set(Allocation a) {
        allocation = a;
        if (channel == null || !channel.isActive()) {
            // The connection closed while the relay socket was being bound.
            a.delete("connection-closed");
        }
    }

    @Override
    public void clear(Allocation a) {
        if (allocation == a) {
            allocation = null;
        }
    }
}
