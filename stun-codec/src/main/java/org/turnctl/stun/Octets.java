package org.turnctl.stun;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value equality, for attribute values that are opaque bytes. */
public final class Octets {
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Octets of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    public static Octets of(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    public static Octets fromHex(String hex) {
        return new Octets(HexFormat.of().parseHex(hex));
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

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * True when these octets equal {@code other}, compared in constant time (a MAC must not leak
     * how many leading bytes matched), without copying either.
     */
    public boolean equalsInConstantTime(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 64 ? toHex() : HexFormat.of().formatHex(bytes, 0, 64) + "...(" + bytes.length + " bytes)";
    }
}
