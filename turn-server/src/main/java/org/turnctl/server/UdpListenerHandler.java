package org.turnctl.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.handler.AllocationSlot;
import org.turnctl.server.handler.RequestContext;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.relay.DataPath;
import org.turnctl.server.relay.UdpClientSink;
import org.turnctl.stun.Demux;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;

/**
 * One UDP listener socket (one per event loop with SO_REUSEPORT). Its allocations are keyed by
 * client address: the server address and transport of the 5-tuple are this socket's. A bad
 * packet is counted and dropped; it never closes the listener.
 */
final class UdpListenerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ServerContext server;
    private final RequestDispatcher dispatcher;
    private final Map<InetSocketAddress, Allocation> allocations = new HashMap<>();
    private InetSocketAddress local;
    /** Relay sockets written during this read burst, flushed once in channelReadComplete. */
    private final java.util.ArrayList<Allocation> toFlush = new java.util.ArrayList<>();

    UdpListenerHandler(ServerContext server, RequestDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        local = (InetSocketAddress) ctx.channel().localAddress();
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        InetSocketAddress client = Addresses.unmapped(packet.sender());
        switch (Demux.classify(content)) {
            case CHANNEL_DATA -> {
                Allocation a = allocations.get(client);
                if (a == null) {
                    server.metrics().dropped("no_allocation");
                }
                flushLater(DataPath.channelData(a, content, server.now()));
            }
            case STUN -> {
                if (DataPath.isSendIndication(content)) {
                    flushLater(DataPath.sendIndication(allocations.get(client), content, server.now(), server.ports()));
                } else {
                    control(ctx, content, client);
                }
            }
            default -> {
                server.malformed.incrementAndGet();
                server.metrics().dropped("not_stun");
            }
        }
    }

    private void flushLater(Allocation written) {
        if (written != null && (toFlush.isEmpty() || toFlush.get(toFlush.size() - 1) != written)) {
            toFlush.add(written);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        for (int i = 0; i < toFlush.size(); i++) {
            toFlush.get(i).relayChannel().flush();
        }
        toFlush.clear();
        super.channelReadComplete(ctx);
    }

    private void control(ChannelHandlerContext ctx, ByteBuf content, InetSocketAddress client) {
        if (local == null) {
            local = (InetSocketAddress) ctx.channel().localAddress();
        }
        FiveTuple fiveTuple = new FiveTuple(client, local, Transport.UDP);
        UdpClientSink sink = new UdpClientSink(ctx.channel(), client);
        StunMessage msg;
        try {
            msg = StunCodec.decode(content);
        } catch (StunDecodeException e) {
            server.malformed.incrementAndGet();
            server.metrics().dropped("malformed");
            BadRequests.answer(e, sink);
            return;
        }
        var discovery = server.discovery();
        if (discovery != null && msg.type().equals(org.turnctl.stun.MessageType.BINDING_REQUEST)) {
            discovery.answer(msg, client, 0, 0, ctx.channel());
            return;
        }
        dispatcher.handle(new RequestContext(server, ctx.channel().eventLoop(), msg, fiveTuple, sink, new Slot(client)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. PortUnreachableException from an ICMP error: a listener must outlive anything a
        // client can make happen.
        server.malformed.incrementAndGet();
    }

    private final class Slot implements AllocationSlot {
        private final InetSocketAddress client;

        Slot(InetSocketAddress client) {
            this.client = client;
        }

        @Override
        public Allocation get() {
            return allocations.get(client);
        }

        @Override
        public void set(Allocation allocation) {
            allocations.put(client, allocation);
        }

        @Override
        public void clear(Allocation allocation) {
            allocations.remove(client, allocation);
        }
    }
}
