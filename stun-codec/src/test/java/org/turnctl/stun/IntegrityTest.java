package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.MessageIntegrity;
import org.turnctl.stun.attr.MessageIntegritySha256;
import org.turnctl.stun.attr.Software;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

class IntegrityTest {
    private static final byte[] KEY = Integrity.longTermKeyMd5("user", "example.org", "pass");

    private static byte[] encode(StunMessage msg, Protection p) {
        return StunCodec.toBytes(msg, p);
    }

    private static StunMessage allocate() {
        return StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.REQUEST), TransactionId.random())
                .add(new Username("user"))
                .add(new Lifetime(600))
                .build();
    }

    @Test
    void longTermKeysAreMd5AndSha256OfUserRealmPassword() {
        // coturn's documented example: turnadmin -k -u ninefingers -r north.gov -p youhavetoberealistic
        assertEquals("bc807ee29df3c9ffa736523fb2c4e8ee", HexFormat.of().formatHex(
                Integrity.longTermKeyMd5("ninefingers", "north.gov", "youhavetoberealistic")));
        // The same input through Python's hashlib.sha256.
        assertEquals("5f5d3d9418276cb0a5d16b0c336ec875c0b6f1d6a65d8aed1f91dd073b800f95", HexFormat.of().formatHex(
                Integrity.longTermKeySha256("ninefingers", "north.gov", "youhavetoberealistic")));
        assertEquals(HexFormat.of().formatHex(Integrity.longTermKeySha256("a", "b", "c")),
                HexFormat.of().formatHex(Integrity.longTermKey(org.turnctl.stun.attr.PasswordAlgorithm.SHA256, "a", "b", "c")));
        assertThrows(IllegalArgumentException.class, () -> Integrity.longTermKey(3, "a", "b", "c"));
    }

    @Test
    void bothIntegrityAttributesAndFingerprint() throws Exception {
        byte[] sha256Key = Integrity.longTermKeySha256("user", "example.org", "pass");
        byte[] wire = encode(allocate(), Protection.NONE.withIntegrity(KEY).withIntegritySha256(sha256Key).withFingerprint());
        StunMessage msg = StunCodec.decode(wire);
        assertTrue(Integrity.verify(msg, KEY));
        assertTrue(Integrity.verifySha256(msg, sha256Key));
        assertTrue(Fingerprint.verify(msg));
        assertFalse(Integrity.verifySha256(msg, KEY));
        int n = msg.attributes().size();
        assertEquals(AttributeType.MESSAGE_INTEGRITY, msg.attributes().get(n - 3).type());
        assertEquals(AttributeType.MESSAGE_INTEGRITY_SHA256, msg.attributes().get(n - 2).type());
        assertEquals(AttributeType.FINGERPRINT, msg.attributes().get(n - 1).type());
    }

    @Test
    void truncatedSha256IsVerifiedOnItsLength() throws Exception {
        byte[] key = Integrity.longTermKeySha256("user", "example.org", "pass");
        for (int len = 16; len <= 32; len += 4) {
            StunMessage msg = StunCodec.decode(encode(allocate(), Protection.NONE.withIntegritySha256(key, len)));
            assertEquals(len, MessageIntegritySha256.from(msg).orElseThrow().value().length());
            assertTrue(Integrity.verifySha256(msg, key), "length " + len);
            assertFalse(Integrity.verifySha256(msg, KEY), "length " + len);
        }
        assertThrows(IllegalArgumentException.class, () -> Protection.NONE.withIntegritySha256(key, 20 + 2));
        assertThrows(IllegalArgumentException.class, () -> Protection.NONE.withIntegritySha256(key, 12));
    }

    @Test
    void attributesAfterIntegrityAreIgnoredExceptTheAllowedOnes() throws Exception {
        byte[] signed = encode(allocate(), Protection.NONE.withIntegrity(KEY));
        // Append SOFTWARE after MESSAGE-INTEGRITY: it must be ignored, and integrity still holds.
        byte[] extra = Hex.parse("8022 0004 61626364");
        byte[] wire = Arrays.copyOf(signed, signed.length + extra.length);
        System.arraycopy(extra, 0, wire, signed.length, extra.length);
        wire[3] = (byte) (wire.length - 20);
        StunMessage msg = StunCodec.decode(wire);
        assertTrue(Software.from(msg).isEmpty());
        assertTrue(Integrity.verify(msg, KEY));
        StunAttribute last = msg.attributes().get(msg.attributes().size() - 1);
        assertEquals(AttributeType.MESSAGE_INTEGRITY, last.type());
        // Adding an attribute in front of MESSAGE-INTEGRITY, by contrast, breaks it.
        StunMessage forged = StunMessage.builder(msg.type(), msg.transactionId())
                .add(new Software("x")).addAll(msg.attributes()).build();
        assertFalse(Integrity.verify(StunCodec.decode(encode(forged, Protection.NONE)), KEY));
    }

    @Test
    void encoderRefusesToDoubleProtect() {
        StunMessage msg = StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.random())
                .add(MessageIntegrity.of(new byte[20])).build();
        assertThrows(IllegalArgumentException.class, () -> encode(msg, Protection.FINGERPRINT));
    }

    @Test
    void builtMessagesHaveNothingToVerify() {
        assertFalse(Integrity.verify(allocate(), KEY));
        assertFalse(Fingerprint.verify(allocate()));
    }
}
