package org.turnctl.stun;

import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.turnctl.stun.codec.StunCodec;

/**
 * A transaction id: 96 bits after the magic cookie (RFC 8489), or 128 bits for an RFC 3489
 * message, which has no magic cookie and whose id fills bytes 4 to 19 of the header.
 */
public final class TransactionId {
    public static final int LENGTH = 12;
    public static final int LEGACY_LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private final int hash;

    private TransactionId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** A new random RFC 8489 transaction id (RFC 8489 section 6: uniformly random). */
    public static TransactionId random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new TransactionId(b);
    }

    public static TransactionId of(byte[] bytes) {
        if (bytes.length != LENGTH && bytes.length != LEGACY_LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 or 16 bytes, not " + bytes.length);
        }
        return new TransactionId(bytes.clone());
    }

    /** The id at {@code offset} in a received message (12 bytes, or 16 for RFC 3489), copied. */
    public static TransactionId read(byte[] raw, int offset, int length) {
        return new TransactionId(Arrays.copyOfRange(raw, offset, offset + length));
    }

    /** True for the 16-byte id of an RFC 3489 message. */
    public boolean isLegacy() {
        return bytes.length == LEGACY_LENGTH;
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int i) {
        return bytes[i];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void writeTo(ByteBuf out) {
        out.writeBytes(bytes);
    }

    /**
     * Byte {@code i} (0-15) of the XOR key for XOR-MAPPED-ADDRESS and friends: the magic cookie
     * followed by the transaction id, which for an RFC 3489 message are simply its 16 id bytes.
     */
    public int xorKeyByte(int i) {
        if (isLegacy()) {
            return bytes[i] & 0xFF;
        }
        if (i < 4) {
            return (StunCodec.MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF;
        }
        return bytes[i - 4] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
