package org.turnctl.server.inbound;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.net.Addresses;

/**
 * One UDP listener socket (one per event loop with SO_REUSEPORT), or one of RFC 5780's extra
 * sockets. A datagram is a frame: it goes to the {@link InboundRouter} with the sender's
 * allocation. The allocations are keyed by client address, since the server address and
 * transport of the 5-tuple are this socket's. Relay sockets written during a read burst are
 * flushed once at its end.
 */
public final class UdpListenerHandler extends SimpleChannelInboundHandler<DatagramPacket> implements Origin {
    private final InboundRouter router;
    private final BehaviorDiscovery.Position position;
    private final boolean relays;
    private final Map<InetSocketAddress, Allocation> allocations = new HashMap<>();
    private final List<Allocation> toFlush = new ArrayList<>();
    private Channel channel;
    private DeferredFlush deferredFlush;
    private InetSocketAddress local;

    private UdpListenerHandler(InboundRouter router, BehaviorDiscovery.Position position, boolean relays) {
        this.router = router;
        this.position = position;
        this.relays = relays;
    }

    /** A TURN listener; {@code discovery} is true when it is RFC 5780's primary socket A1:P1. */
    public static UdpListenerHandler relaying(InboundRouter router, boolean discovery) {
        return new UdpListenerHandler(router, discovery ? BehaviorDiscovery.Position.PRIMARY : null, true);
    }

    /** One of RFC 5780's three extra sockets: Binding only. */
    public static UdpListenerHandler discoveryOnly(InboundRouter router, BehaviorDiscovery.Position position) {
        return new UdpListenerHandler(router, position, false);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        deferredFlush = new DeferredFlush(channel);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = Addresses.unmapped(packet.sender());
        Allocation written = router.route(packet.content(), client, allocations.get(client), this);
        if (written != null && (toFlush.isEmpty() || toFlush.get(toFlush.size() - 1) != written)) {
            toFlush.add(written);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        for (int i = 0; i < toFlush.size(); i++) {
            toFlush.get(i).flushRelays();
        }
        toFlush.clear();
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. PortUnreachableException from an ICMP error: a listener must outlive anything a
        // client can make happen, and an ICMP error is not a dropped packet.
    }

    @Override
    public FiveTuple fiveTuple(InetSocketAddress client) {
        if (local == null) {
            local = (InetSocketAddress) channel.localAddress();
        }
        return new FiveTuple(client, local, Transport.UDP);
    }

    @Override
    public ClientSink sink(InetSocketAddress client) {
        return new UdpClientSink(channel, client, deferredFlush);
    }

    @Override
    public AllocationSlot slot(InetSocketAddress client) {
        return new Slot(client);
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public BehaviorDiscovery.Position discoveryPosition() {
        return position;
    }

    @Override
    public boolean relays() {
        return relays;
    }

    /** The map entry of one client address. */
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
