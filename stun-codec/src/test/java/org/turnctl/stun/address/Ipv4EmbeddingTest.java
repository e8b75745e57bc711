package org.turnctl.stun.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each IPv6 spelling of an IPv4 address, byte for byte as its RFC writes it, and back. */
class Ipv4EmbeddingTest {
    private static final byte[] METADATA = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void spellingsAreTheRfcs() {
        assertArrayEquals(hex("00000000000000000000ffffa9fea9fe"), Ipv4Embedding.MAPPED.embed(METADATA));
        assertArrayEquals(hex("000000000000000000000000a9fea9fe"), Ipv4Embedding.COMPATIBLE.embed(METADATA));
        assertArrayEquals(hex("0000000000000000ffff0000a9fea9fe"), Ipv4Embedding.TRANSLATED.embed(METADATA));
        assertArrayEquals(hex("2002a9fea9fe00000000000000000001"), Ipv4Embedding.SIX_TO_FOUR.embed(METADATA));
        assertArrayEquals(hex("0064ff9b0000000000000000a9fea9fe"), Ipv4Embedding.NAT64.embed(METADATA));
    }

    @ParameterizedTest
    @EnumSource(Ipv4Embedding.class)
    void extractReadsBackWhatEmbedWrote(Ipv4Embedding form) {
        for (byte[] v4 : new byte[][] {METADATA, {127, 0, 0, 1}, {10, 1, 2, 3}, {(byte) 192, (byte) 168, 0, 1}}) {
            assertArrayEquals(v4, Ipv4Embedding.extract(form.embed(v4)), form.label());
        }
    }

    @Test
    void loopbackUnspecifiedAndPlainIpv6EmbedNothing() {
        assertNull(Ipv4Embedding.extract(hex("00000000000000000000000000000001")));
        assertNull(Ipv4Embedding.extract(hex("00000000000000000000000000000000")));
        assertNull(Ipv4Embedding.extract(hex("20010db8000000000000000000000001")));
        assertNull(Ipv4Embedding.extract(METADATA));
    }
}
