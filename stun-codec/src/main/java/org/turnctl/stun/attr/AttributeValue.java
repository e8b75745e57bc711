package org.turnctl.stun.attr;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.TransactionId;

/**
 * A bounded view of one attribute's value inside a received message. Every read is checked
 * against the value's length, so a parser can never read outside its attribute.
 */
public final class AttributeValue {
    private final int type;
    private final byte[] raw;
    private final int offset;
    private final int length;
    private final TransactionId transactionId;

    public AttributeValue(int type, byte[] raw, int offset, int length, TransactionId transactionId) {
        if (offset < 0 || length < 0 || offset + length > raw.length) {
            throw new IndexOutOfBoundsException("attribute value outside the message");
        }
        this.type = type;
        this.raw = raw;
        this.offset = offset;
        this.length = length;
        this.transactionId = transactionId;
    }

    public int type() {
        return type;
    }

    public int length() {
        return length;
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    public StunDecodeException error(String what) {
        return new StunDecodeException(AttributeType.name(type) + ": " + what);
    }

    public void expectLength(int expected) throws StunDecodeException {
        if (length != expected) {
            throw error("length " + length + ", expected " + expected);
        }
    }

    public void expectLengthBetween(int min, int max) throws StunDecodeException {
        if (length < min || length > max) {
            throw error("length " + length + ", expected " + min + " to " + max);
        }
    }

    private void check(int at, int size) throws StunDecodeException {
        if (at < 0 || at + size > length) {
            throw error("value too short (" + length + " bytes)");
        }
    }

    public int u8(int at) throws StunDecodeException {
        check(at, 1);
        return raw[offset + at] & 0xFF;
    }

    public int u16(int at) throws StunDecodeException {
        check(at, 2);
        return ((raw[offset + at] & 0xFF) << 8) | (raw[offset + at + 1] & 0xFF);
    }

    public long u32(int at) throws StunDecodeException {
        check(at, 4);
        return ((long) u16(at) << 16) | u16(at + 2);
    }

    public long u64(int at) throws StunDecodeException {
        check(at, 8);
        return (u32(at) << 32) | u32(at + 4);
    }

    public Octets octets() {
        return Octets.of(raw, offset, length);
    }

    public Octets octets(int at, int size) throws StunDecodeException {
        check(at, size);
        return Octets.of(raw, offset + at, size);
    }

    /** Strict UTF-8: a malformed sequence is a decode error, not a replacement character. */
    public String utf8(int at, int maxBytes) throws StunDecodeException {
        int size = length - at;
        check(at, size);
        if (size > maxBytes) {
            throw error(size + " bytes of text, at most " + maxBytes + " allowed");
        }
        if (isAscii(offset + at, size)) {
            // The common case (usernames, realms, nonces): one copy, no decoder.
            return new String(raw, offset + at, size, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, offset + at, size))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error("text is not valid UTF-8");
        }
    }

    private boolean isAscii(int from, int size) {
        for (int i = from; i < from + size; i++) {
            if (raw[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a (XOR-)address value (RFC 8489 sections 14.1 and 14.2): reserved byte, family,
     * port, address. The first byte is reserved and ignored on receipt.
     */
    public InetSocketAddress address(boolean xor) throws StunDecodeException {
        if (length < 4) {
            throw error("address value too short (" + length + " bytes)");
        }
        int family = u8(1);
        int addrLen = switch (family) {
            case AddressFamily.IPV4 -> 4;
            case AddressFamily.IPV6 -> 16;
            default -> throw error(String.format("unknown address family 0x%02x", family));
        };
        expectLength(4 + addrLen);
        int port = u16(2);
        byte[] addr = new byte[addrLen];
        for (int i = 0; i < addrLen; i++) {
            addr[i] = raw[offset + 4 + i];
        }
        if (xor) {
            port ^= (transactionId.xorKeyByte(0) << 8) | transactionId.xorKeyByte(1);
            for (int i = 0; i < addrLen; i++) {
                addr[i] ^= (byte) transactionId.xorKeyByte(i);
            }
        }
        return new InetSocketAddress(toInetAddress(addr), port);
    }

    /**
     * Builds the address without the JDK's habit of turning an IPv4-mapped IPv6 address into
     * an {@link Inet4Address}: the family on the wire is kept, so the peer policy sees
     * {@code ::ffff:10.0.0.1} as the IPv6 address it is.
     */
    static InetAddress toInetAddress(byte[] addr) {
        try {
            return addr.length == 16 ? Inet6Address.getByAddress(null, addr, -1) : InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("impossible: address of length " + addr.length, e);
        }
    }
}
