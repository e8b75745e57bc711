package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.AttributeValue;
import org.turnctl.stun.attr.Attributes;

/**
 * Decodes and encodes STUN messages (RFC 8489 sections 5 and 14).
 *
 * <p>Decoding is strict about framing and lenient only where the RFCs ask for it (reserved
 * bits, padding contents). Every malformed input raises {@link StunDecodeException}; nothing
 * is read outside the given bytes.
 */
public final class StunCodec {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    /** The largest message the 16-bit length field can describe. */
    public static final int MAX_MESSAGE_LENGTH = HEADER_LENGTH + 0xFFFC;

    private StunCodec() {
    }

    /**
     * True when the bytes at the reader index start like an RFC 8489 message: top two bits
     * zero, a length that is a multiple of 4, and the magic cookie (RFC 8489 section 7.3).
     */
    public static boolean looksLikeStun(ByteBuf buf) {
        int i = buf.readerIndex();
        return buf.readableBytes() >= HEADER_LENGTH
                && (buf.getByte(i) & 0xC0) == 0
                && (buf.getUnsignedShort(i + 2) & 0x3) == 0
                && buf.getInt(i + 4) == MAGIC_COOKIE;
    }

    /** Decodes the readable bytes of {@code buf} as one message; the buffer is not modified. */
    public static StunMessage decode(ByteBuf buf) throws StunDecodeException {
        int length = buf.readableBytes();
        if (length < HEADER_LENGTH) {
            throw new StunDecodeException("truncated header: " + length + " bytes, need 20");
        }
        if (length > MAX_MESSAGE_LENGTH) {
            throw new StunDecodeException("message of " + length + " bytes is longer than STUN allows");
        }
        return decode(ByteBufUtil.getBytes(buf, buf.readerIndex(), length, true));
    }

    /** Decodes exactly these bytes as one message. The array is kept: do not modify it after. */
    public static StunMessage decode(byte[] raw) throws StunDecodeException {
        return decode(raw, false);
    }

    /**
     * Decodes as {@link #decode(byte[])}, except that with {@code legacyResponses} any message
     * without the magic cookie decodes as RFC 3489: for a client that has just sent a classic
     * request and expects a classic answer. Servers never pass true.
     */
    public static StunMessage decode(byte[] raw, boolean legacyResponses) throws StunDecodeException {
        if (raw.length < HEADER_LENGTH) {
            throw new StunDecodeException("truncated header: " + raw.length + " bytes, need 20");
        }
        int typeField = u16(raw, 0);
        if ((typeField & 0xC000) != 0) {
            throw new StunDecodeException("not a STUN message: the first two bits are not zero");
        }
        int bodyLength = u16(raw, 2);
        if ((bodyLength & 3) != 0) {
            throw new StunDecodeException("message length " + bodyLength + " is not a multiple of 4");
        }
        if (bodyLength != raw.length - HEADER_LENGTH) {
            throw new StunDecodeException("message length field says " + bodyLength
                    + " bytes after the header, but " + (raw.length - HEADER_LENGTH) + " are there");
        }
        MessageType type = MessageType.fromWire(typeField);
        TransactionId tid;
        if (u32(raw, 4) == MAGIC_COOKIE) {
            tid = TransactionId.read(raw, 8, TransactionId.LENGTH);
        } else if (type.equals(MessageType.BINDING_REQUEST) || legacyResponses) {
            // RFC 3489 Binding request: classic NAT-type clients still send these.
            tid = TransactionId.read(raw, 4, TransactionId.LEGACY_LENGTH);
        } else {
            throw new StunDecodeException("bad magic cookie in a " + type + " (only Binding requests may omit it)");
        }
        try {
            return decodeAttributes(raw, type, tid);
        } catch (StunDecodeException e) {
            throw e.withHeader(type, tid);
        }
    }

    private static StunMessage decodeAttributes(byte[] raw, MessageType type, TransactionId tid)
            throws StunDecodeException {
        List<StunAttribute> attributes = new ArrayList<>();
        int integrity = -1;
        int integritySha256 = -1;
        int fingerprint = -1;
        int pos = HEADER_LENGTH;
        while (pos < raw.length) {
            // The body length is a multiple of 4 and so is pos: a whole header is always there.
            int attrType = u16(raw, pos);
            int attrLength = u16(raw, pos + 2);
            int padded = (attrLength + 3) & ~3;
            if (pos + 4 + padded > raw.length) {
                throw new StunDecodeException(AttributeType.name(attrType) + ": length " + attrLength
                        + " runs past the end of the message");
            }
            if (fingerprint >= 0) {
                throw new StunDecodeException(AttributeType.name(attrType) + " after FINGERPRINT, which must be last");
            }
            boolean counts;
            if (integritySha256 >= 0) {
                counts = attrType == AttributeType.FINGERPRINT;
            } else if (integrity >= 0) {
                counts = attrType == AttributeType.FINGERPRINT || attrType == AttributeType.MESSAGE_INTEGRITY_SHA256;
            } else {
                counts = true;
            }
            if (counts) {
                attributes.add(Attributes.read(new AttributeValue(attrType, raw, pos + 4, attrLength, tid)));
                switch (attrType) {
                    case AttributeType.MESSAGE_INTEGRITY -> integrity = pos;
                    case AttributeType.MESSAGE_INTEGRITY_SHA256 -> integritySha256 = pos;
                    case AttributeType.FINGERPRINT -> fingerprint = pos;
                    default -> {
                    }
                }
            }
            pos += 4 + padded;
        }
        return StunMessage.received(type, tid, List.copyOf(attributes), raw, integrity, integritySha256, fingerprint);
    }

    /** Encodes the message into a new buffer from {@code alloc}. */
    public static ByteBuf encode(StunMessage msg, Protection protection, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(256);
        try {
            encode(msg, protection, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Encodes into a new byte array: for blocking sockets and tests, not for the Netty paths. */
    public static byte[] toBytes(StunMessage msg, Protection protection) {
        ByteBuf out = io.netty.buffer.Unpooled.buffer(256);
        try {
            encode(msg, protection, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** Encodes the message, attributes as they are, then what {@code protection} adds. */
    public static void encode(StunMessage msg, Protection protection, ByteBuf out) {
        encode(msg, protection, out, (byte) 0);
    }

    /**
     * The encoder, with the padding byte as a parameter: RFC 8489 says padding "MUST be
     * ignored" and we send zeros, but RFC 5769's vectors pad with 0x20, so tests that rebuild
     * them byte for byte pass 0x20 here.
     */
    static void encode(StunMessage msg, Protection protection, ByteBuf out, byte paddingByte) {
        if (!protection.isNone()) {
            for (StunAttribute a : msg.attributes()) {
                int t = a.type();
                if (t == AttributeType.MESSAGE_INTEGRITY || t == AttributeType.MESSAGE_INTEGRITY_SHA256
                        || t == AttributeType.FINGERPRINT) {
                    throw new IllegalArgumentException(AttributeType.name(t)
                            + " is added by the encoder; do not put it in a message it protects");
                }
            }
        }
        int start = out.writerIndex();
        out.writeShort(msg.type().toWire());
        out.writeShort(0); // length, set below
        if (!msg.isLegacy()) {
            out.writeInt(MAGIC_COOKIE);
        }
        msg.transactionId().writeTo(out);
        for (StunAttribute a : msg.attributes()) {
            writeAttribute(out, a, msg.transactionId(), paddingByte);
        }
        if (protection.integrityKey() != null) {
            setLength(out, start, out.writerIndex() - start - HEADER_LENGTH + 24);
            byte[] mac = Integrity.hmacSha1(protection.integrityKey(), out, start, out.writerIndex() - start);
            out.writeShort(AttributeType.MESSAGE_INTEGRITY).writeShort(20).writeBytes(mac);
        }
        if (protection.integritySha256Key() != null) {
            int len = protection.sha256Length();
            setLength(out, start, out.writerIndex() - start - HEADER_LENGTH + 4 + len);
            byte[] mac = Integrity.hmacSha256(protection.integritySha256Key(), out, start, out.writerIndex() - start);
            out.writeShort(AttributeType.MESSAGE_INTEGRITY_SHA256).writeShort(len).writeBytes(mac, 0, len);
        }
        if (protection.fingerprint()) {
            setLength(out, start, out.writerIndex() - start - HEADER_LENGTH + 8);
            long crc = Fingerprint.compute(out, start, out.writerIndex() - start);
            out.writeShort(AttributeType.FINGERPRINT).writeShort(4).writeInt((int) crc);
        }
        int bodyLength = out.writerIndex() - start - HEADER_LENGTH;
        if (bodyLength > 0xFFFF) {
            throw new IllegalArgumentException("message body of " + bodyLength + " bytes does not fit the 16-bit length");
        }
        setLength(out, start, bodyLength);
    }

    private static void writeAttribute(ByteBuf out, StunAttribute a, TransactionId tid, byte paddingByte) {
        int headerAt = out.writerIndex();
        out.writeShort(a.type());
        out.writeShort(0);
        a.writeValue(out, tid);
        int valueLength = out.writerIndex() - headerAt - 4;
        if (valueLength > 0xFFFF) {
            throw new IllegalArgumentException(AttributeType.name(a.type()) + " value of " + valueLength + " bytes is too long");
        }
        out.setShort(headerAt + 2, valueLength);
        for (int pad = (4 - (valueLength & 3)) & 3; pad > 0; pad--) {
            out.writeByte(paddingByte);
        }
    }

    private static void setLength(ByteBuf out, int start, int bodyLength) {
        out.setShort(start + 2, bodyLength);
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int u32(byte[] b, int at) {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }
}
