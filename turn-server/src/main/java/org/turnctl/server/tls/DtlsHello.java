package org.turnctl.server.tls;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Reads a DTLS 1.2 ClientHello datagram in place (RFC 6347 sections 4.1 and 4.2): is it one
 * whole, unfragmented ClientHello, and does it carry a cookie. A fragmented ClientHello is never
 * reassembled: that would be state kept before the cookie.
 */
public final class DtlsHello {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;

    private DtlsHello() {
    }

    /** Where the cookie length byte is, or -1 when this is not one whole ClientHello in one record. */
    static int cookieAt(ByteBuf in) {
        int at = in.readerIndex();
        int n = in.readableBytes();
        if (n < RECORD_HEADER + HANDSHAKE_HEADER + 2 + 32 + 2 || in.getUnsignedByte(at) != CONTENT_HANDSHAKE
                || in.getUnsignedShort(at + 3) != 0) { // epoch 0
            return -1;
        }
        int recordLength = in.getUnsignedShort(at + 11);
        int hs = at + RECORD_HEADER;
        if (recordLength != n - RECORD_HEADER || in.getUnsignedByte(hs) != CLIENT_HELLO) {
            return -1;
        }
        int length = in.getUnsignedMedium(hs + 1);
        if (in.getUnsignedMedium(hs + 6) != 0 || in.getUnsignedMedium(hs + 9) != length
                || HANDSHAKE_HEADER + length != recordLength) {
            return -1; // fragmented, or more than one message
        }
        int cookieAt = hs + HANDSHAKE_HEADER + 34 + 1 + in.getUnsignedByte(hs + HANDSHAKE_HEADER + 34);
        if (cookieAt >= at + n || cookieAt + 1 + in.getUnsignedByte(cookieAt) > at + n) {
            return -1;
        }
        return cookieAt;
    }

    /** True for one whole ClientHello. */
    public static boolean isClientHello(ByteBuf in) {
        return cookieAt(in) >= 0;
    }

    /** True for a whole ClientHello that carries a cookie (its second flight, RFC 6347 section 4.2.1). */
    public static boolean hasCookie(ByteBuf in) {
        int c = cookieAt(in);
        return c >= 0 && in.getUnsignedByte(c) > 0;
    }

    /**
     * The first ClientHello this client must have sent, rebuilt from the second: the same
     * ClientHello without the cookie, as message 0 in record 0. The JDK's engine only proceeds
     * from its own HelloVerifyRequest, so a fresh engine is shown this first, then the real one;
     * RFC 6347 keeps both the first ClientHello and the HelloVerifyRequest out of the handshake
     * hash, so nothing the client checks depends on the rebuilt bytes.
     */
    public static ByteBuffer withoutCookie(ByteBuf second) {
        int at = second.readerIndex();
        int c = cookieAt(second);
        int cookieLength = second.getUnsignedByte(c);
        byte[] b = new byte[second.readableBytes() - cookieLength];
        second.getBytes(at, b, 0, c - at);
        b[c - at] = 0;
        second.getBytes(c + 1 + cookieLength, b, c - at + 1, b.length - (c - at + 1));
        int recordLength = b.length - RECORD_HEADER;
        int length = recordLength - HANDSHAKE_HEADER;
        for (int i = 5; i < 11; i++) {
            b[i] = 0; // record sequence number 0
        }
        b[11] = (byte) (recordLength >> 8);
        b[12] = (byte) recordLength;
        int hs = RECORD_HEADER;
        b[hs + 1] = (byte) (length >> 16);
        b[hs + 2] = (byte) (length >> 8);
        b[hs + 3] = (byte) length;
        b[hs + 4] = 0; // message_seq 0
        b[hs + 5] = 0;
        b[hs + 9] = (byte) (length >> 16);
        b[hs + 10] = (byte) (length >> 8);
        b[hs + 11] = (byte) length;
        return ByteBuffer.wrap(b);
    }
}
