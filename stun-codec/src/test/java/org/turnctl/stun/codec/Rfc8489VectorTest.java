package org.turnctl.stun.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.turnctl.stun.Hex;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.MessageIntegritySha256;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.PasswordAlgorithm;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.Userhash;
import org.turnctl.stun.attr.Username;

/**
 * RFC 8489 appendix B.1 (long-term credentials with MESSAGE-INTEGRITY-SHA256 and USERHASH).
 *
 * <p>The vector as published is inconsistent: its length field (0x9c) counts the 20-byte
 * header, it lacks the PASSWORD-ALGORITHM attribute that a SHA-256 key requires, and its
 * HMAC matches neither reading. This test uses the corrected vector from RFC Errata 6268.
 */
class Rfc8489VectorTest {
    private static final String USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    private static final String NONCE = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";

    @Test
    void correctedAppendixB1() throws Exception {
        byte[] wire = Hex.resource("rfc8489-b.1-errata-6268.hex");
        StunMessage msg = StunCodec.decode(wire);

        assertEquals(MessageType.BINDING_REQUEST, msg.type());
        assertEquals(TransactionId.of(Hex.parse("78ad3433c6ad72c029da412e")), msg.transactionId());
        assertArrayEquals(Integrity.userhash(USER, "example.org"), Userhash.from(msg).orElseThrow().value().toByteArray());
        assertEquals(NONCE, Nonce.from(msg).orElseThrow().value());
        assertEquals("example.org", Realm.from(msg).orElseThrow().value());
        assertEquals(PasswordAlgorithm.of(PasswordAlgorithm.SHA256), PasswordAlgorithm.from(msg).orElseThrow());
        assertTrue(Username.from(msg).isEmpty());
        assertEquals(32, MessageIntegritySha256.from(msg).orElseThrow().value().length());

        byte[] key = Integrity.longTermKeySha256(USER, "example.org", "TheMatrIX");
        assertTrue(Integrity.verifySha256(msg, key));
        assertFalse(Integrity.verifySha256(msg, Integrity.longTermKeyMd5(USER, "example.org", "TheMatrIX")));
        assertFalse(Integrity.verify(msg, key), "there is no MESSAGE-INTEGRITY to verify");

        StunMessage rebuilt = StunMessage.builder(MessageType.BINDING_REQUEST, msg.transactionId())
                .add(Userhash.of(Integrity.userhash(USER, "example.org")))
                .add(new Nonce(NONCE))
                .add(new Realm("example.org"))
                .add(PasswordAlgorithm.of(PasswordAlgorithm.SHA256))
                .build();
        assertArrayEquals(wire, Rfc5769VectorsTest.encode(rebuilt, Protection.NONE.withIntegritySha256(key), (byte) 0));
    }

    @Test
    void publishedB1VectorIsRejectedForItsLength() {
        byte[] wire = Hex.resource("rfc8489-b.1-errata-6268.hex");
        wire[3] = (byte) 0x9c; // the published length field
        var e = org.junit.jupiter.api.Assertions.assertThrows(StunDecodeException.class, () -> StunCodec.decode(wire));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
    }
}
