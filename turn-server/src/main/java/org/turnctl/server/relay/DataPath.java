package org.turnctl.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.attr.AttributeType;
import org.turnctl.stun.attr.Attributes;

/**
 * Client to peer: ChannelData and Send indications are data, not control. They are read in
 * place, without decoding a message, and the payload goes to the peer as a slice of the
 * received buffer. Anything wrong is dropped silently (RFC 8656 sections 11.2, 12.6): there is
 * no one to answer.
 */
public final class DataPath {

    private DataPath() {
    }

    /** True when the buffer holds a Send indication (method 0x006, class indication: 0x0016). */
    public static boolean isSendIndication(ByteBuf in) {
        return in.readableBytes() >= StunCodec.HEADER_LENGTH && in.getUnsignedShort(in.readerIndex()) == 0x0016;
    }

    /**
     * A ChannelData message from the client; the caller keeps ownership of {@code in}. Returns
     * the allocation whose relay socket was written (and needs a flush at the end of the read
     * burst), or null when the message was dropped.
     */
    public static Allocation channelData(Allocation a, ByteBuf in, long now) {
        if (a == null || a.isDeleted()) {
            return null;
        }
        TurnMetrics m = a.metrics();
        if (in.readableBytes() < 4) {
            m.dropped("malformed");
            return null;
        }
        int at = in.readerIndex();
        int number = in.getUnsignedShort(at);
        int length = in.getUnsignedShort(at + 2);
        if (length > in.readableBytes() - 4) {
            m.dropped("malformed");
            return null;
        }
        ChannelBinding b = a.channel(number);
        if (b == null || b.expiresAt() < now) {
            m.dropped("no_channel");
            return null;
        }
        if (!a.hasPermission(b.peer().getAddress(), now)) {
            m.dropped("no_permission");
            return null;
        }
        m.relayed(TurnMetrics.Direction.CLIENT_TO_PEER, length);
        a.packetsToPeer++;
        a.bytesToPeer += length;
        a.relayChannel().write(new DatagramPacket(in.retainedSlice(at + 4, length), b.peer()),
                a.relayChannel().voidPromise());
        return a;
    }

    /** A Send indication from the client, as {@link #channelData}: returns the allocation written, or null. */
    public static Allocation sendIndication(Allocation a, ByteBuf in, long now, PortPool relayPorts) {
        if (a == null || a.isDeleted()) {
            return null;
        }
        TurnMetrics m = a.metrics();
        int start = in.readerIndex();
        int bodyLength = in.getUnsignedShort(start + 2);
        int end = start + StunCodec.HEADER_LENGTH + bodyLength;
        if ((bodyLength & 3) != 0 || end > in.writerIndex() || in.getInt(start + 4) != StunCodec.MAGIC_COOKIE) {
            m.dropped("malformed");
            return null;
        }
        int peerAt = -1;
        int peerLength = 0;
        int dataAt = -1;
        int dataLength = 0;
        int pos = start + StunCodec.HEADER_LENGTH;
        while (pos + 4 <= end) {
            int type = in.getUnsignedShort(pos);
            int length = in.getUnsignedShort(pos + 2);
            int next = pos + 4 + ((length + 3) & ~3);
            if (next > end) {
                m.dropped("malformed");
                return null;
            }
            if (type == AttributeType.XOR_PEER_ADDRESS && peerAt < 0) {
                peerAt = pos + 4;
                peerLength = length;
            } else if (type == AttributeType.DATA && dataAt < 0) {
                dataAt = pos + 4;
                dataLength = length;
            } else if (type == AttributeType.DONT_FRAGMENT) {
                m.dropped("dont_fragment");
                return null; // cannot set DF here, and RFC 8656 section 11.2 says not to send it then
            } else if (AttributeType.isComprehensionRequired(type) && !Attributes.isKnown(type)) {
                m.dropped("unknown_attribute");
                return null; // unknown comprehension-required attribute in an indication: drop silently
            }
            pos = next;
        }
        if (peerAt < 0 || dataAt < 0) {
            m.dropped("malformed");
            return null;
        }
        InetSocketAddress peer = xorPeer(in, start, peerAt, peerLength);
        if (peer == null) {
            m.dropped("malformed");
            return null;
        }
        if (!a.permits(peer, now, relayPorts)) {
            m.dropped("no_permission");
            return null;
        }
        m.relayed(TurnMetrics.Direction.CLIENT_TO_PEER, dataLength);
        a.packetsToPeer++;
        a.bytesToPeer += dataLength;
        a.relayChannel().write(new DatagramPacket(in.retainedSlice(dataAt, dataLength), peer),
                a.relayChannel().voidPromise());
        return a;
    }

    private static InetSocketAddress xorPeer(ByteBuf in, int start, int at, int length) {
        int family = in.getUnsignedByte(at + 1);
        int size = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (size < 0 || length != 4 + size) {
            return null;
        }
        int port = in.getUnsignedShort(at + 2) ^ (StunCodec.MAGIC_COOKIE >>> 16);
        byte[] addr = new byte[size];
        for (int i = 0; i < size; i++) {
            addr[i] = (byte) (in.getByte(at + 4 + i) ^ in.getByte(start + 4 + i));
        }
        try {
            InetAddress ip = size == 16 ? Inet6Address.getByAddress(null, addr, -1) : InetAddress.getByAddress(addr);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
