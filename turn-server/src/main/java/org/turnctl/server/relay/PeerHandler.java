package org.turnctl.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.turnctl.server.ServerContext;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.attr.AttributeType;

/**
 * Peer to client (RFC 8656 sections 11.3 and 12.6): a datagram on the relay socket from a peer
 * with a permission goes to the client as ChannelData when a channel is bound to that peer,
 * otherwise as a Data indication. The payload is never copied: a small header buffer goes in
 * front of it. Datagrams from peers without a permission are dropped silently. Data never
 * refreshes a permission or channel (RFC 8656 section 12.6).
 */
public final class PeerHandler extends ChannelInboundHandlerAdapter {
    private final ServerContext server;
    private Allocation allocation;
    private boolean pendingFlush;

    public PeerHandler(ServerContext server) {
        this.server = server;
    }

    /** Called once the allocation exists (the socket is bound before the allocation is built). */
    public void attach(Allocation allocation) {
        this.allocation = allocation;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            Allocation a = allocation;
            if (a == null || a.isDeleted()) {
                return;
            }
            InetSocketAddress peer = packet.sender();
            long now = server.now();
            if (!a.permits(peer, now, server.ports())) {
                server.metrics().dropped("no_permission");
                return;
            }
            ByteBuf payload = packet.content();
            int length = payload.readableBytes();
            ClientSink client = a.client();
            ChannelBinding binding = a.channelFor(peer);
            ByteBuf out = binding != null && binding.expiresAt() >= now
                    ? channelData(client, binding.number(), payload)
                    : dataIndication(client.alloc(), peer, payload);
            server.metrics().relayed(org.turnctl.server.metrics.TurnMetrics.Direction.PEER_TO_CLIENT, length);
            a.packetsToClient++;
            a.bytesToClient += length;
            client.write(out);
            pendingFlush = true;
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One flush per read burst, not per datagram.
        Allocation a = allocation;
        if (pendingFlush && a != null) {
            pendingFlush = false;
            a.client().flush();
        }
    }

    private static ByteBuf channelData(ClientSink client, int number, ByteBuf payload) {
        ByteBufAllocator alloc = client.alloc();
        int length = payload.readableBytes();
        int pad = client.isStream() ? (4 - (length & 3)) & 3 : 0;
        ByteBuf header = alloc.directBuffer(4);
        header.writeShort(number).writeShort(length);
        CompositeByteBuf out = alloc.compositeDirectBuffer(3);
        out.addComponents(true, header, payload.retain());
        if (pad > 0) {
            out.addComponent(true, alloc.directBuffer(pad).writeZero(pad));
        }
        return out;
    }

    /** A Data indication (RFC 8656 section 11.4): XOR-PEER-ADDRESS and DATA, no integrity. */
    private static ByteBuf dataIndication(ByteBufAllocator alloc, InetSocketAddress peer, ByteBuf payload) {
        int length = payload.readableBytes();
        int pad = (4 - (length & 3)) & 3;
        byte[] addr = peer.getAddress().getAddress();
        int peerAttr = 4 + 4 + addr.length;
        ByteBuf head = alloc.directBuffer(20 + peerAttr + 4);
        head.writeShort(0x0017); // Data indication
        head.writeShort(peerAttr + 4 + length + pad);
        head.writeInt(StunCodec.MAGIC_COOKIE);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int t0 = rnd.nextInt();
        int t1 = rnd.nextInt();
        int t2 = rnd.nextInt();
        head.writeInt(t0).writeInt(t1).writeInt(t2);
        head.writeShort(AttributeType.XOR_PEER_ADDRESS).writeShort(4 + addr.length);
        head.writeByte(0).writeByte(addr.length == 4 ? 1 : 2);
        head.writeShort(peer.getPort() ^ (StunCodec.MAGIC_COOKIE >>> 16));
        // XOR key: cookie then transaction id, read back from what was just written.
        for (int i = 0; i < addr.length; i++) {
            head.writeByte(addr[i] ^ head.getByte(4 + i));
        }
        head.writeShort(AttributeType.DATA).writeShort(length);
        CompositeByteBuf out = alloc.compositeDirectBuffer(3);
        out.addComponents(true, head, payload.retain());
        if (pad > 0) {
            out.addComponent(true, alloc.directBuffer(pad).writeZero(pad));
        }
        return out;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors surface here as PortUnreachableException on some transports: nothing to
        // do for a relay socket, and nothing worth a log line per packet.
    }
}
