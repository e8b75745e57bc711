package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.attr.*;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * A seeded mutation test: 100,000+ mutants of valid messages. Every seed decodes; a mutant
 * either raises StunDecodeException or decodes, and then every attribute reader works on it and
 * decode(encode(m)) equals m ({@link DecodeProperty}). Mutants that leave the header and length
 * intact and only touch attribute bytes must still decode in a stated share, so that a decoder
 * that rejects everything fails this test.
 */
class MutationTest {
    private static final long SEED = 20261125L;
    private static final int MUTANTS = 120_000;
    /** Measured at about 50% (seed 20261125); the bar sits well below it but far above "rejects everything". */
    private static final double MIN_BODY_MUTANT_DECODE_SHARE = 0.25;

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String v : List.of("rfc5769-2.1-request.hex", "rfc5769-2.2-ipv4-response.hex",
                "rfc5769-2.3-ipv6-response.hex", "rfc5769-2.4-long-term-request.hex", "rfc8489-b.1-errata-6268.hex")) {
            seeds.add(Hex.resource(v));
        }
        byte[] key = Integrity.longTermKeyMd5("user", "realm", "pass");
        InetSocketAddress v4 = AttributeRoundTripTest.addr("198.51.100.9", 3478);
        InetSocketAddress v6 = AttributeRoundTripTest.addr("2001:db8::9", 49999);
        seeds.add(encode(StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.REQUEST), TransactionId.random())
                .add(new RequestedTransport(17)).add(new Lifetime(600)).add(new EvenPort(true)).add(DontFragment.INSTANCE)
                .add(new RequestedAddressFamily(2)).add(new Username("user")).add(new Realm("realm"))
                .add(new Nonce("abcdef0123456789")).build(), Protection.NONE.withIntegrity(key).withFingerprint()));
        seeds.add(encode(StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.SUCCESS_RESPONSE), TransactionId.random())
                .add(new XorRelayedAddress(v4)).add(new XorRelayedAddress(v6)).add(new XorMappedAddress(v4))
                .add(new Lifetime(600)).add(new ReservationToken(77)).add(new Software("turnctl")).build(),
                Protection.NONE.withIntegrity(key).withIntegritySha256(key, 24).withFingerprint()));
        seeds.add(encode(StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.ERROR_RESPONSE), TransactionId.random())
                .add(new ErrorCode(420, "Unknown")).add(new UnknownAttributes(List.of(0x31, 0x7000)))
                .add(new PasswordAlgorithms(List.of(PasswordAlgorithm.of(1), PasswordAlgorithm.of(2))))
                .add(new AddressErrorCode(2, 440, "")).add(new Realm("r")).add(new Nonce("n")).build(), Protection.FINGERPRINT));
        seeds.add(encode(StunMessage.builder(new MessageType(Method.CHANNEL_BIND, MessageClass.REQUEST), TransactionId.random())
                .add(new ChannelNumber(0x4001)).add(new XorPeerAddress(v6)).add(new Icmp(3, 4, 1400))
                .add(new ConnectionId(5)).add(new UnknownAttribute(0x7F00, Octets.of(new byte[] {1, 2, 3}))).build(),
                Protection.NONE.withIntegrity(key)));
        seeds.add(encode(StunMessage.builder(new MessageType(Method.SEND, MessageClass.INDICATION), TransactionId.random())
                .add(new XorPeerAddress(v4)).add(Data.of(new byte[37])).build(), Protection.NONE));
        seeds.add(encode(StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.random())
                .add(new ChangeRequest(true, true)).add(new ResponsePort(5000)).add(Padding.of(new byte[12]))
                .add(new Priority(1)).add(UseCandidate.INSTANCE).add(new IceControlling(9)).add(new Userhash(Octets.of(new byte[32])))
                .add(new PasswordAlgorithm(2, Octets.EMPTY)).build(), Protection.FINGERPRINT));
        // An RFC 3489 request (no cookie) carrying the classic address attributes.
        seeds.add(encode(StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.of(new byte[16]))
                .add(new MappedAddress(v4)).add(new SourceAddress(v4)).add(new ChangedAddress(v4))
                .add(new ReflectedFrom(v4)).add(new ResponseAddress(v4)).add(new OtherAddress(v6))
                .add(new ResponseOrigin(v6)).add(new AlternateServer(v6)).add(new AlternateDomain("x.example")).build(),
                Protection.NONE));
        seeds.add(new byte[] {0x40, 0x00, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0});
        return seeds;
    }

    private static byte[] encode(StunMessage msg, Protection p) {
        return StunCodec.toBytes(msg, p);
    }

    @Test
    void everySeedDecodes() {
        for (byte[] seed : seeds()) {
            DecodeProperty.Outcome o = DecodeProperty.check(seed);
            assertTrue(o == DecodeProperty.Outcome.DECODED || o == DecodeProperty.Outcome.CHANNEL_DATA,
                    o + ": " + ByteBufUtil.hexDump(seed));
        }
    }

    @Test
    void mutantsDecodeOrAreRejectedCleanly() {
        List<byte[]> seeds = seeds();
        SplittableRandom rnd = new SplittableRandom(SEED);
        Map<DecodeProperty.Outcome, Integer> outcomes = new EnumMap<>(DecodeProperty.Outcome.class);
        int bodyMutants = 0;
        int bodyMutantsDecoded = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            boolean bodyOnly = rnd.nextInt(2) == 0 && seed.length > 24 && seed[0] < 4;
            byte[] mutant = bodyOnly ? mutateBody(seed, rnd) : mutateAnywhere(seed, rnd);
            DecodeProperty.Outcome o;
            try {
                o = DecodeProperty.check(mutant);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("mutant " + i + " (" + ByteBufUtil.hexDump(mutant) + "): " + e, e);
            }
            outcomes.merge(o, 1, Integer::sum);
            if (bodyOnly) {
                bodyMutants++;
                if (o == DecodeProperty.Outcome.DECODED) {
                    bodyMutantsDecoded++;
                }
            }
        }
        double share = (double) bodyMutantsDecoded / bodyMutants;
        System.out.printf("mutation test: %d mutants, outcomes %s; body-only mutants decoded: %d of %d (%.1f%%)%n",
                MUTANTS, outcomes, bodyMutantsDecoded, bodyMutants, 100 * share);
        assertTrue(share >= MIN_BODY_MUTANT_DECODE_SHARE,
                "only " + share + " of header-intact mutants decoded; the decoder rejects too much");
        assertTrue(outcomes.getOrDefault(DecodeProperty.Outcome.REJECTED, 0) > 0, "no mutant was rejected at all");
        assertEquals(MUTANTS, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Mutations after the 20-byte header that keep the length field true. */
    private static byte[] mutateBody(byte[] seed, SplittableRandom rnd) {
        byte[] m = seed.clone();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            int at = 20 + rnd.nextInt(m.length - 20);
            switch (rnd.nextInt(4)) {
                case 0 -> m[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> m[at] = (byte) rnd.nextInt(256);
                case 2 -> m[at] = (byte) (rnd.nextBoolean() ? 0 : 0xFF);
                default -> {
                    // Swap two aligned 4-byte words of the body.
                    int words = (m.length - 20) / 4;
                    int a = 20 + 4 * rnd.nextInt(words);
                    int b = 20 + 4 * rnd.nextInt(words);
                    for (int j = 0; j < 4; j++) {
                        byte t = m[a + j];
                        m[a + j] = m[b + j];
                        m[b + j] = t;
                    }
                }
            }
        }
        return m;
    }

    /** Anything goes: header bits, lengths, truncation, extension, splicing. */
    private static byte[] mutateAnywhere(byte[] seed, SplittableRandom rnd) {
        byte[] m = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    if (m.length > 0) {
                        m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> {
                    if (m.length > 0) {
                        m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 2 -> m = Arrays.copyOf(m, rnd.nextInt(m.length + 1));
                case 3 -> {
                    byte[] longer = Arrays.copyOf(m, m.length + 1 + rnd.nextInt(16));
                    for (int j = m.length; j < longer.length; j++) {
                        longer[j] = (byte) rnd.nextInt(256);
                    }
                    m = longer;
                }
                case 4 -> {
                    // Rewrite the header length to match a truncated or extended body.
                    if (m.length >= 4) {
                        int len = Math.max(0, m.length - 20);
                        m[2] = (byte) (len >> 8);
                        m[3] = (byte) len;
                    }
                }
                case 5 -> {
                    // Corrupt an attribute length field at a 4-byte boundary.
                    if (m.length > 24) {
                        int at = 20 + 4 * rnd.nextInt((m.length - 20) / 4) + 2;
                        if (at + 1 < m.length) {
                            m[at] = (byte) (rnd.nextBoolean() ? 0 : rnd.nextInt(256));
                            m[at + 1] = (byte) rnd.nextInt(256);
                        }
                    }
                }
                default -> {
                    // Duplicate a 4-aligned slice of the body onto its end and fix the length.
                    if (m.length >= 28) {
                        int start = 20 + 4 * rnd.nextInt((m.length - 20) / 4);
                        int len = Math.min(m.length - start, 4 * (1 + rnd.nextInt(4)));
                        byte[] longer = Arrays.copyOf(m, m.length + len);
                        System.arraycopy(m, start, longer, m.length, len);
                        int body = longer.length - 20;
                        longer[2] = (byte) (body >> 8);
                        longer[3] = (byte) body;
                        m = longer;
                    }
                }
            }
        }
        return m;
    }

    static Stream<byte[]> seedStream() {
        return seeds().stream();
    }
}
