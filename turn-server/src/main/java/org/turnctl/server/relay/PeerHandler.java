package org.turnctl.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.limit.Readers;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.DataIndication;

/**
 * Peer to client (RFC 8656 sections 11.3 and 12.7), the only handler of a relay socket. A
 * datagram from a peer with a permission goes to the client as ChannelData when a channel is
 * bound to that peer, otherwise as a Data indication. The payload is never copied: a small
 * header buffer goes in front of it. Data never refreshes a permission or channel.
 */
public final class PeerHandler extends ChannelInboundHandlerAdapter {
    private final TimeSource clock;
    private final TurnMetrics metrics;
    private Allocation allocation;
    private boolean pendingFlush;

    public PeerHandler(TimeSource clock, TurnMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Called once the allocation exists (the socket is bound before the allocation is built). */
    public void attach(Allocation allocation) {
        this.allocation = allocation;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            Allocation a = allocation;
            if (a == null || a.isDeleted()) {
                return;
            }
            InetSocketAddress peer = packet.sender();
            long now = clock.nowMillis();
            // Section 11.3: "... the server MUST check if there is a permission installed ... If no
            // permission is installed, the UDP datagram is silently discarded."
            if (!a.permits(peer, now)) {
                metrics.dropped(DropReason.NO_PERMISSION);
                return;
            }
            ByteBuf payload = packet.content();
            int length = payload.readableBytes();
            ClientSink client = a.client();
            // --max-bps, peer to client: to a datagram client the excess is dropped; to a stream
            // client it goes, and this relay socket stops reading until the rate is back (the
            // kernel's socket buffer, then the kernel, hold or drop what peers send meanwhile).
            if (client.isStream()) {
                long pause = a.oweToClient(length, now);
                if (pause > 0) {
                    Readers.pause(ctx.channel(), pause);
                }
            } else if (!a.admitToClient(length, now)) {
                metrics.dropped(DropReason.BANDWIDTH);
                return;
            }
            // Section 12.7: a channel bound to the peer carries it as ChannelData; otherwise a
            // Data indication (section 11.3).
            ChannelBinding binding = a.channelFor(peer);
            ByteBuf out = binding != null && binding.expiresAt() >= now
                    ? ChannelData.wire(client.alloc(), binding.number(), payload, client.isStream())
                    : DataIndication.wire(client.alloc(), peer, payload);
            metrics.relayed(TurnMetrics.Direction.PEER_TO_CLIENT, length);
            a.countToClient(length);
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors surface here as PortUnreachableException on some transports: nothing to
        // do for a relay socket, and nothing worth a log line per packet.
    }
}
