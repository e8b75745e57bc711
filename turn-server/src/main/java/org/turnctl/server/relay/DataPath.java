package org.turnctl.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.SendIndicationReader;

/**
 * Client to peer: ChannelData and Send indications are data, not control. They are read in
 * place with the codec's zero-copy readers, and the payload goes to the peer as a slice of the
 * received buffer, written but not flushed (the transport flushes once per read burst). Anything
 * wrong is counted and dropped: there is no one to answer (RFC 8656 sections 11.2 and 12.6).
 */
public final class DataPath {
    /** One reader per event loop thread: it holds the positions of the packet being read. */
    private static final FastThreadLocal<SendIndicationReader> READERS = new FastThreadLocal<>() {
        @Override
        protected SendIndicationReader initialValue() {
            return new SendIndicationReader();
        }
    };

    private DataPath() {
    }

    /**
     * RFC 8656 section 12.6, a ChannelData message from the client ({@code in} stays the caller's).
     * Returns true when the payload was written to the relay socket and needs a flush.
     */
    public static boolean channelData(Allocation a, ByteBuf in, long now) {
        TurnMetrics m = a.metrics();
        int length = ChannelData.payloadLength(in);
        if (length < 0) {
            m.dropped(DropReason.MALFORMED);
            return false;
        }
        // "If the ChannelData message is received on a channel that is not bound to any peer, then
        // the message is silently discarded."
        ChannelBinding b = a.channel(ChannelData.channelNumber(in));
        if (b == null || b.expiresAt() < now) {
            m.dropped(DropReason.NO_CHANNEL);
            return false;
        }
        // A channel binding implies a permission, but the permission can lapse on its own when
        // the client refreshes only the channel (section 12: both must be refreshed).
        if (!a.hasPermission(b.peer().getAddress(), now)) {
            m.dropped(DropReason.NO_PERMISSION);
            return false;
        }
        if (!admitted(a, m, length, now)) {
            return false;
        }
        send(a, m, in.retainedSlice(in.readerIndex() + ChannelData.HEADER_LENGTH, length), b.peer());
        return true;
    }

    /** RFC 8656 section 11.2, a Send indication from the client; as {@link #channelData}. */
    public static boolean sendIndication(Allocation a, ByteBuf in, long now) {
        TurnMetrics m = a.metrics();
        SendIndicationReader reader = READERS.get();
        switch (reader.read(in)) {
            case OK -> {
            }
            // "If the Send indication contains a DONT-FRAGMENT attribute and the server cannot set
            // the DF bit, the server MUST discard the indication" (this JVM cannot set DF).
            case DONT_FRAGMENT -> {
                m.dropped(DropReason.DONT_FRAGMENT);
                return false;
            }
            // Unknown comprehension-required attributes in an indication: discarded silently.
            case UNKNOWN_ATTRIBUTE -> {
                m.dropped(DropReason.UNKNOWN_ATTRIBUTE);
                return false;
            }
            // "If ... the XOR-PEER-ADDRESS or DATA attribute is missing ... discarded."
            default -> {
                m.dropped(DropReason.MALFORMED);
                return false;
            }
        }
        InetSocketAddress peer = reader.peer(in);
        if (peer == null) {
            m.dropped(DropReason.MALFORMED);
            return false;
        }
        // "... if there is no permission installed for the peer's IP address, the indication is
        // silently discarded."
        if (!a.permits(peer, now)) {
            m.dropped(DropReason.NO_PERMISSION);
            return false;
        }
        if (!admitted(a, m, reader.dataLength(), now)) {
            return false;
        }
        send(a, m, in.retainedSlice(reader.dataIndex(), reader.dataLength()), peer);
        return true;
    }

    /**
     * --max-bps, client to peer: a datagram over the limit is dropped and counted; bytes from a
     * stream were read already, so they go, and the connection stops reading until the
     * allocation is back within its rate (backpressure through TCP, no buffering here).
     */
    private static boolean admitted(Allocation a, TurnMetrics m, int length, long now) {
        if (a.isTcp()) {
            m.dropped(DropReason.NO_PERMISSION); // RFC 6062: a TCP allocation's data goes over its data connections only
            return false;
        }
        if (a.client().isStream()) {
            long pause = a.oweToPeer(length, now);
            if (pause > 0) {
                a.client().pauseReading(pause);
            }
            return true;
        }
        if (!a.admitToPeer(length, now)) {
            m.dropped(DropReason.BANDWIDTH);
            return false;
        }
        return true;
    }

    private static void send(Allocation a, TurnMetrics m, ByteBuf payload, InetSocketAddress peer) {
        int length = payload.readableBytes();
        m.relayed(TurnMetrics.Direction.CLIENT_TO_PEER, length);
        a.countToPeer(length);
        Channel relay = a.relayChannelFor(peer);
        relay.write(new DatagramPacket(payload, peer), relay.voidPromise());
    }
}
