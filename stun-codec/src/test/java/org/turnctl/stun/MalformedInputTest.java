package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.StunCodec;

/** A table of malformed inputs: each raises StunDecodeException with a reason naming the fault. */
class MalformedInputTest {
    private static final byte[] REQUEST = Hex.resource("rfc5769-2.1-request.hex");

    private static byte[] mutate(UnaryOperator<byte[]> f) {
        return f.apply(REQUEST.clone());
    }

    private static byte[] withLength(byte[] b, int length) {
        b[2] = (byte) (length >> 8);
        b[3] = (byte) length;
        return b;
    }

    static Stream<Arguments> malformedStun() {
        return Stream.of(
                Arguments.of("empty", new byte[0], "truncated header"),
                Arguments.of("truncated header", Arrays.copyOf(REQUEST, 19), "truncated header"),
                Arguments.of("truncated body", Arrays.copyOf(REQUEST, REQUEST.length - 4), "length field says"),
                Arguments.of("trailing bytes", Arrays.copyOf(REQUEST, REQUEST.length + 4), "length field says"),
                Arguments.of("length not a multiple of 4", mutate(b -> withLength(b, 0x57)), "not a multiple of 4"),
                Arguments.of("first two bits set", mutate(b -> {
                    b[0] |= (byte) 0x80;
                    return b;
                }), "first two bits"),
                Arguments.of("bad cookie on a response (STUN bit pattern)", mutate(b -> {
                    b[0] = 0x01;
                    b[1] = 0x01;
                    b[4] ^= 0x01;
                    return b;
                }), "magic cookie"),
                Arguments.of("attribute running past the end", mutate(b -> {
                    b[22] = 0x00;
                    b[23] = (byte) 0x74; // SOFTWARE claims 116 bytes
                    return b;
                }), "runs past the end"),
                Arguments.of("attribute after FINGERPRINT", appendAfterFingerprint(), "after FINGERPRINT"),
                Arguments.of("bad address family", xorMapped(new byte[] {0, 3, 0, 0, 1, 2, 3, 4}), "address family"),
                Arguments.of("short IPv6 address", xorMapped(new byte[] {0, 2, 0, 0, 1, 2, 3, 4}), "length"),
                Arguments.of("bad error class", attribute(0x0009, new byte[] {0, 0, 7, 0}), "error class"),
                Arguments.of("bad error number", attribute(0x0009, new byte[] {0, 0, 4, 100}), "error class"),
                Arguments.of("LIFETIME of 3 bytes", attribute(0x000D, new byte[] {0, 0, 1}), "LIFETIME"),
                Arguments.of("MESSAGE-INTEGRITY of 19 bytes", attribute(0x0008, new byte[19]), "MESSAGE-INTEGRITY"),
                Arguments.of("MESSAGE-INTEGRITY-SHA256 of 12 bytes", attribute(0x001C, new byte[12]), "multiples of 4"),
                Arguments.of("MESSAGE-INTEGRITY-SHA256 of 18 bytes", attribute(0x001C, new byte[18]), "multiples of 4"),
                Arguments.of("invalid UTF-8 in USERNAME", attribute(0x0006, new byte[] {(byte) 0xC3, 0x28}), "UTF-8"),
                Arguments.of("oversized USERNAME", attribute(0x0006, filled(513, 'a')), "at most 512"),
                Arguments.of("EVEN-PORT of 4 bytes", attribute(0x0018, new byte[4]), "EVEN-PORT"),
                Arguments.of("odd UNKNOWN-ATTRIBUTES", attribute(0x000A, new byte[3]), "multiple of 2"),
                Arguments.of("PASSWORD-ALGORITHMS params past the end", attribute(0x8002, new byte[] {0, 1, 0, 8, 1, 2, 3, 4}), "too short"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedStun")
    void rejected(String name, byte[] input, String reason) {
        StunDecodeException e = assertThrows(StunDecodeException.class, () -> StunCodec.decode(input));
        assertTrue(e.getMessage().contains(reason), name + ": " + e.getMessage());
        // The same through the ByteBuf entry point, which must leave the buffer untouched.
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        try {
            assertThrows(StunDecodeException.class, () -> StunCodec.decode(buf));
            assertEquals(input.length, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void attributeErrorsKeepTheHeaderForA400() {
        byte[] bad = attribute(0x000D, new byte[] {0, 0, 1});
        StunDecodeException e = assertThrows(StunDecodeException.class, () -> StunCodec.decode(bad));
        assertEquals(MessageType.BINDING_REQUEST, e.messageType().orElseThrow());
        assertEquals(TransactionId.of(Arrays.copyOfRange(bad, 8, 20)), e.transactionId().orElseThrow());
    }

    @Test
    void rfc3489BindingRequestWithoutCookieIsLegacy() throws Exception {
        byte[] legacy = Hex.parse("0001 0000 0102030405060708090a0b0c0d0e0f10");
        StunMessage msg = StunCodec.decode(legacy);
        assertTrue(msg.isLegacy());
        assertEquals(16, msg.transactionId().length());
        assertEquals(MessageType.BINDING_REQUEST, msg.type());
        // Any other method without the cookie is not STUN.
        byte[] allocate = legacy.clone();
        allocate[1] = 0x03;
        assertThrows(StunDecodeException.class, () -> StunCodec.decode(allocate));
    }

    @Test
    void badFingerprintAndWrongKeyAreDetected() throws Exception {
        byte[] badCrc = REQUEST.clone();
        badCrc[badCrc.length - 1] ^= 0x01;
        StunMessage msg = StunCodec.decode(badCrc);
        assertFalse(Fingerprint.verify(msg));
        assertTrue(Integrity.verify(msg, Integrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt")));

        byte[] tampered = REQUEST.clone();
        tampered[30] ^= 0x01; // a byte of SOFTWARE, covered by both
        StunMessage t = StunCodec.decode(tampered);
        assertFalse(Integrity.verify(t, Integrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt")));
        assertFalse(Fingerprint.verify(t));
        assertFalse(Integrity.verify(StunCodec.decode(REQUEST), Integrity.shortTermKey("wrong")));
        assertFalse(Integrity.verify(StunCodec.decode(REQUEST), new byte[0]));
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    /** A Binding request with one attribute of this type and raw value. */
    static byte[] attribute(int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        byte[] b = new byte[20 + 4 + padded];
        b[1] = 0x01;
        b[2] = (byte) ((4 + padded) >> 8);
        b[3] = (byte) (4 + padded);
        b[4] = 0x21;
        b[5] = 0x12;
        b[6] = (byte) 0xA4;
        b[7] = 0x42;
        b[19] = 0x07;
        b[20] = (byte) (type >> 8);
        b[21] = (byte) type;
        b[22] = (byte) (value.length >> 8);
        b[23] = (byte) value.length;
        System.arraycopy(value, 0, b, 24, value.length);
        return b;
    }

    private static byte[] xorMapped(byte[] value) {
        return attribute(0x0020, value);
    }

    private static byte[] appendAfterFingerprint() {
        byte[] b = Arrays.copyOf(REQUEST, REQUEST.length + 8);
        b[REQUEST.length + 1] = 0x24; // PRIORITY
        b[REQUEST.length + 3] = 0x04;
        return withLength(b, b.length - 20);
    }
}
