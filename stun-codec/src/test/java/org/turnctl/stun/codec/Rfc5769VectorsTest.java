package org.turnctl.stun.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.Hex;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.Fingerprint;
import org.turnctl.stun.attr.IceControlled;
import org.turnctl.stun.attr.MessageIntegrity;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Priority;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.Software;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorMappedAddress;

/**
 * RFC 5769 test vectors, byte for byte: decode every field, verify MESSAGE-INTEGRITY and
 * FINGERPRINT on the original bytes, then rebuild each message from typed attributes (not from
 * retained bytes) and compare. Sections 2.1-2.3 pad with 0x20, section 2.4 with 0x00.
 */
class Rfc5769VectorsTest {
    private static final byte[] SHORT_TERM_KEY = Integrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    private static final TransactionId TID_1 = TransactionId.of(Hex.parse("b7e7a701bc34d686fa87dfae"));
    private static final TransactionId TID_4 = TransactionId.of(Hex.parse("78ad3433c6ad72c029da412e"));
    private static final String MATRIX_USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    @Test
    void sampleRequest() throws Exception {
        byte[] wire = Hex.resource("rfc5769-2.1-request.hex");
        StunMessage msg = StunCodec.decode(wire);

        assertEquals(MessageType.BINDING_REQUEST, msg.type());
        assertEquals(TID_1, msg.transactionId());
        assertFalse(msg.isLegacy());
        assertEquals("STUN test client", Software.from(msg).orElseThrow().value());
        assertEquals(0x6e0001ffL, Priority.from(msg).orElseThrow().priority());
        assertEquals(0x932ff9b151263b36L, IceControlled.from(msg).orElseThrow().tieBreaker());
        assertEquals("evtj:h6vY", Username.from(msg).orElseThrow().value());
        assertEquals("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2", MessageIntegrity.from(msg).orElseThrow().value().toHex());
        assertEquals(0xe57a3bcfL, Fingerprint.from(msg).orElseThrow().value());

        assertTrue(Integrity.verify(msg, SHORT_TERM_KEY));
        assertFalse(Integrity.verify(msg, Integrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBT")));
        assertTrue(org.turnctl.stun.codec.Fingerprint.verify(msg));

        StunMessage rebuilt = StunMessage.builder(MessageType.BINDING_REQUEST, TID_1)
                .add(new Software("STUN test client"))
                .add(new Priority(0x6e0001ffL))
                .add(new IceControlled(0x932ff9b151263b36L))
                .add(new Username("evtj:h6vY"))
                .build();
        assertArrayEquals(wire, encode(rebuilt, Protection.NONE.withIntegrity(SHORT_TERM_KEY).withFingerprint(), (byte) 0x20));
    }

    @Test
    void sampleIpv4Response() throws Exception {
        byte[] wire = Hex.resource("rfc5769-2.2-ipv4-response.hex");
        StunMessage msg = StunCodec.decode(wire);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);

        assertEquals(MessageType.BINDING_SUCCESS, msg.type());
        assertEquals(TID_1, msg.transactionId());
        assertEquals("test vector", Software.from(msg).orElseThrow().value());
        assertEquals(mapped, XorMappedAddress.from(msg).orElseThrow().address());
        assertTrue(Integrity.verify(msg, SHORT_TERM_KEY));
        assertTrue(org.turnctl.stun.codec.Fingerprint.verify(msg));

        StunMessage rebuilt = StunMessage.builder(MessageType.BINDING_SUCCESS, TID_1)
                .add(new Software("test vector"))
                .add(new XorMappedAddress(mapped))
                .build();
        assertArrayEquals(wire, encode(rebuilt, Protection.NONE.withIntegrity(SHORT_TERM_KEY).withFingerprint(), (byte) 0x20));
    }

    @Test
    void sampleIpv6Response() throws Exception {
        byte[] wire = Hex.resource("rfc5769-2.3-ipv6-response.hex");
        StunMessage msg = StunCodec.decode(wire);
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);

        assertEquals(MessageType.BINDING_SUCCESS, msg.type());
        assertEquals("test vector", Software.from(msg).orElseThrow().value());
        assertEquals(mapped, XorMappedAddress.from(msg).orElseThrow().address());
        assertTrue(Integrity.verify(msg, SHORT_TERM_KEY));
        assertTrue(org.turnctl.stun.codec.Fingerprint.verify(msg));

        StunMessage rebuilt = StunMessage.builder(MessageType.BINDING_SUCCESS, TID_1)
                .add(new Software("test vector"))
                .add(new XorMappedAddress(mapped))
                .build();
        assertArrayEquals(wire, encode(rebuilt, Protection.NONE.withIntegrity(SHORT_TERM_KEY).withFingerprint(), (byte) 0x20));
    }

    @Test
    void sampleRequestWithLongTermAuthentication() throws Exception {
        byte[] wire = Hex.resource("rfc5769-2.4-long-term-request.hex");
        StunMessage msg = StunCodec.decode(wire);

        assertEquals(MessageType.BINDING_REQUEST, msg.type());
        assertEquals(TID_4, msg.transactionId());
        assertEquals(MATRIX_USER, Username.from(msg).orElseThrow().value());
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", Nonce.from(msg).orElseThrow().value());
        assertEquals("example.org", Realm.from(msg).orElseThrow().value());
        assertFalse(org.turnctl.stun.codec.Fingerprint.isPresent(msg));
        assertFalse(org.turnctl.stun.codec.Fingerprint.verify(msg));

        // The key is computed over the password as given ("TheMatrIX" is the SASLprep output of
        // the RFC's password); browsers and coturn do not apply SASLprep either.
        byte[] key = Integrity.longTermKeyMd5(MATRIX_USER, "example.org", "TheMatrIX");
        assertTrue(Integrity.verify(msg, key));
        assertFalse(Integrity.verify(msg, Integrity.longTermKeyMd5(MATRIX_USER, "example.org", "thematrix")));

        StunMessage rebuilt = StunMessage.builder(MessageType.BINDING_REQUEST, TID_4)
                .add(new Username(MATRIX_USER))
                .add(new Nonce("f//499k954d6OL34oL9FSTvy64sA"))
                .add(new Realm("example.org"))
                .build();
        assertArrayEquals(wire, encode(rebuilt, Protection.NONE.withIntegrity(key), (byte) 0));
    }

    @Test
    void decodedVectorsReencodeToTheSameMessage() throws Exception {
        for (String name : List.of("rfc5769-2.1-request.hex", "rfc5769-2.2-ipv4-response.hex",
                "rfc5769-2.3-ipv6-response.hex", "rfc5769-2.4-long-term-request.hex")) {
            byte[] wire = Hex.resource(name);
            StunMessage msg = StunCodec.decode(wire);
            byte padding = name.contains("2.4") ? (byte) 0 : (byte) 0x20;
            // Verbatim re-encoding of decoded attributes (integrity included) gives the same bytes.
            assertArrayEquals(wire, encode(msg, Protection.NONE, padding), name);
            for (StunAttribute a : msg.attributes()) {
                assertFalse(a instanceof org.turnctl.stun.UnknownAttribute, name + ": " + a);
            }
        }
    }

    static byte[] encode(StunMessage msg, Protection protection, byte padding) {
        ByteBuf out = Unpooled.buffer();
        try {
            StunCodec.encode(msg, protection, out, padding);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
