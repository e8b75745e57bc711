package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import org.turnctl.stun.StunDecodeException;

/**
 * A TURN ChannelData message (RFC 8656 section 12.4): 2-byte channel number, 2-byte length,
 * payload. Holds its payload as a reference-counted buffer: release it (or pass it on).
 *
 * <p>Channel numbers: RFC 8656 narrowed the range to 0x4000-0x4FFF, but RFC 5766 clients, such
 * as coturn's own test client, still pick from 0x4000-0x7FFF, so the codec accepts the old range
 * and the server can be told to be strict.
 */
public final class ChannelData extends DefaultByteBufHolder {
    public static final int HEADER_LENGTH = 4;
    public static final int MIN_CHANNEL = 0x4000;
    public static final int MAX_CHANNEL = 0x7FFF;
    /** The top of the RFC 8656 range. */
    public static final int MAX_STRICT_CHANNEL = 0x4FFF;

    private final int channelNumber;

    public ChannelData(int channelNumber, ByteBuf data) {
        super(data);
        if (!isChannelNumber(channelNumber)) {
            throw new IllegalArgumentException(String.format("channel number 0x%04x outside 0x4000-0x7FFF", channelNumber));
        }
        if (data.readableBytes() > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData payload of " + data.readableBytes() + " bytes is too long");
        }
        this.channelNumber = channelNumber;
    }

    /** 0x4000-0x7FFF, the RFC 5766 range. */
    public static boolean isChannelNumber(int n) {
        return n >= MIN_CHANNEL && n <= MAX_CHANNEL;
    }

    /** 0x4000-0x4FFF, the RFC 8656 range. */
    public static boolean isStrictChannelNumber(int n) {
        return n >= MIN_CHANNEL && n <= MAX_STRICT_CHANNEL;
    }

    public int channelNumber() {
        return channelNumber;
    }

    /**
     * Decodes the readable bytes as one ChannelData message, without copying: the result holds
     * a retained slice of {@code in}. Bytes after 4 + length are accepted and ignored (padding,
     * RFC 8656 section 12.5); fewer are an error. The reader index of {@code in} is unchanged.
     */
    public static ChannelData decode(ByteBuf in) throws StunDecodeException {
        int at = in.readerIndex();
        int available = in.readableBytes();
        if (available < HEADER_LENGTH) {
            throw new StunDecodeException("truncated ChannelData header: " + available + " bytes, need 4");
        }
        int channel = in.getUnsignedShort(at);
        if (!isChannelNumber(channel)) {
            throw new StunDecodeException(String.format("ChannelData channel number 0x%04x outside 0x4000-0x7FFF", channel));
        }
        int length = in.getUnsignedShort(at + 2);
        if (length > available - HEADER_LENGTH) {
            throw new StunDecodeException("ChannelData length " + length + " runs past the end ("
                    + (available - HEADER_LENGTH) + " bytes of payload)");
        }
        return new ChannelData(channel, in.retainedSlice(at + HEADER_LENGTH, length));
    }

    /** The bytes on the wire for a payload of this length: unpadded over UDP, padded to 4 over streams. */
    public static int wireLength(int payloadLength, boolean stream) {
        return HEADER_LENGTH + (stream ? (payloadLength + 3) & ~3 : payloadLength);
    }

    /**
     * The message on the wire without copying the payload: a composite of a 4-byte header, the
     * payload (retained) and, on streams, zero padding. Consumes nothing of this holder's
     * reference; the caller still releases this ChannelData.
     */
    public ByteBuf toWire(ByteBufAllocator alloc, boolean stream) {
        return wire(alloc, channelNumber, content(), stream);
    }

    /**
     * ChannelData for {@code payload} on the wire, without copying it and without a
     * {@link ChannelData} object (the relay's peer-to-client path): header, the payload retained
     * once, and on streams zero padding to 4 bytes (RFC 8656 section 12.5). The caller keeps its
     * own reference to {@code payload}.
     */
    public static ByteBuf wire(ByteBufAllocator alloc, int channelNumber, ByteBuf payload, boolean stream) {
        int length = payload.readableBytes();
        ByteBuf header = alloc.directBuffer(HEADER_LENGTH);
        header.writeShort(channelNumber).writeShort(length);
        return withPadding(alloc, header, payload, stream ? (4 - (length & 3)) & 3 : 0);
    }

    /** header + retained payload + {@code pad} zero bytes, as one composite (header ownership passes). */
    static ByteBuf withPadding(ByteBufAllocator alloc, ByteBuf header, ByteBuf payload, int pad) {
        CompositeByteBuf out = alloc.compositeDirectBuffer(3);
        out.addComponents(true, header, payload.retain());
        if (pad > 0) {
            out.addComponent(true, alloc.directBuffer(pad).writeZero(pad));
        }
        return out;
    }

    /**
     * The payload length of the ChannelData message at the reader index, read in place; -1 when
     * the header is truncated or the length runs past the readable bytes (RFC 8656 section 12.4:
     * such a message is discarded). Bytes after the payload are padding and are ignored.
     */
    public static int payloadLength(ByteBuf in) {
        if (in.readableBytes() < HEADER_LENGTH) {
            return -1;
        }
        int length = in.getUnsignedShort(in.readerIndex() + 2);
        return length > in.readableBytes() - HEADER_LENGTH ? -1 : length;
    }

    /** The channel number of the ChannelData message at the reader index (at least 4 bytes readable). */
    public static int channelNumber(ByteBuf in) {
        return in.getUnsignedShort(in.readerIndex());
    }

    /** Writes header, payload and (on streams) padding into {@code out}, copying the payload. */
    public void writeTo(ByteBuf out, boolean stream) {
        ByteBuf payload = content();
        int length = payload.readableBytes();
        out.writeShort(channelNumber).writeShort(length);
        out.writeBytes(payload, payload.readerIndex(), length);
        if (stream) {
            out.writeZero((4 - (length & 3)) & 3);
        }
    }

    @Override
    public ChannelData replace(ByteBuf content) {
        return new ChannelData(channelNumber, content);
    }

    @Override
    public ChannelData copy() {
        return replace(content().copy());
    }

    @Override
    public ChannelData duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public ChannelData retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public ChannelData retain() {
        super.retain();
        return this;
    }

    @Override
    public ChannelData retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ChannelData touch() {
        super.touch();
        return this;
    }

    @Override
    public ChannelData touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData other && channelNumber == other.channelNumber && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + channelNumber;
    }

    @Override
    public String toString() {
        return String.format("ChannelData[0x%04x, %d bytes]", channelNumber,
                refCnt() > 0 ? content().readableBytes() : -1);
    }
}
