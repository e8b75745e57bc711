package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.Attributes;

/**
 * Reads a Send indication (RFC 8656 section 11.1) in place: where its XOR-PEER-ADDRESS and DATA
 * are, without decoding a {@link StunMessage}. A relay reads one per relayed packet, so this
 * allocates nothing but the peer address it is asked for. One instance per thread: it keeps the
 * positions of the last {@link #read}.
 */
public final class SendIndicationReader {
    private static final int SEND_INDICATION = MessageType.of(Method.SEND, MessageClass.INDICATION).toWire();

    /** What {@link #read} found. Everything but {@code OK} is dropped silently (RFC 8656 section 11.2). */
    public enum Result {
        OK,
        /** Bad length, cookie, attribute framing, or XOR-PEER-ADDRESS/DATA missing. */
        MALFORMED,
        /** DONT-FRAGMENT: this relay cannot set DF, and section 11.2 says not to send then. */
        DONT_FRAGMENT,
        /** A comprehension-required attribute this codec does not know. */
        UNKNOWN_ATTRIBUTE
    }

    private int start;
    private int peerAt;
    private int peerLength;
    private int dataAt;
    private int dataLength;

    /** True when the message type at the reader index is Send indication (0x0016). */
    public static boolean isSendIndication(ByteBuf in) {
        return in.readableBytes() >= StunCodec.HEADER_LENGTH && in.getUnsignedShort(in.readerIndex()) == SEND_INDICATION;
    }

    /** Walks the attributes of the Send indication at the reader index; the buffer is not changed. */
    public Result read(ByteBuf in) {
        start = in.readerIndex();
        peerAt = -1;
        dataAt = -1;
        int bodyLength = in.getUnsignedShort(start + 2);
        int end = start + StunCodec.HEADER_LENGTH + bodyLength;
        if ((bodyLength & 3) != 0 || end > in.writerIndex() || in.getInt(start + 4) != StunCodec.MAGIC_COOKIE) {
            return Result.MALFORMED;
        }
        int pos = start + StunCodec.HEADER_LENGTH;
        while (pos + 4 <= end) {
            int type = in.getUnsignedShort(pos);
            int length = in.getUnsignedShort(pos + 2);
            int next = pos + 4 + ((length + 3) & ~3);
            if (next > end) {
                return Result.MALFORMED;
            }
            if (type == AttributeType.XOR_PEER_ADDRESS && peerAt < 0) {
                peerAt = pos + 4;
                peerLength = length;
            } else if (type == AttributeType.DATA && dataAt < 0) {
                dataAt = pos + 4;
                dataLength = length;
            } else if (type == AttributeType.DONT_FRAGMENT) {
                return Result.DONT_FRAGMENT;
            } else if (AttributeType.isComprehensionRequired(type) && !Attributes.isKnown(type)) {
                return Result.UNKNOWN_ATTRIBUTE;
            }
            pos = next;
        }
        return peerAt < 0 || dataAt < 0 ? Result.MALFORMED : Result.OK;
    }

    /**
     * The peer of the last {@link Result#OK} read, un-XORed (RFC 8489 section 14.2), or null when
     * the attribute's family or length is wrong.
     */
    public InetSocketAddress peer(ByteBuf in) {
        int family = in.getUnsignedByte(peerAt + 1);
        int size = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (size < 0 || peerLength != 4 + size) {
            return null;
        }
        int port = in.getUnsignedShort(peerAt + 2) ^ (StunCodec.MAGIC_COOKIE >>> 16);
        byte[] addr = new byte[size];
        for (int i = 0; i < size; i++) {
            // The key is the magic cookie followed by the transaction id: header bytes 4..19.
            addr[i] = (byte) (in.getByte(peerAt + 4 + i) ^ in.getByte(start + 4 + i));
        }
        try {
            InetAddress ip = size == 16 ? Inet6Address.getByAddress(null, addr, -1) : InetAddress.getByAddress(addr);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Absolute index of the DATA value of the last {@link Result#OK} read. */
    public int dataIndex() {
        return dataAt;
    }

    public int dataLength() {
        return dataLength;
    }
}
