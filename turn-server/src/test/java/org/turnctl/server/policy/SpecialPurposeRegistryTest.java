package org.turnctl.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.address.SpecialPurposeRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default peer policy, held to the registry table entry by entry: the first and last address
 * of every denied block refused, in every IPv6 spelling of an IPv4 one; the address just past a
 * denied block allowed unless another entry covers it; globally reachable entries allowed; and
 * docs/PEER-POLICY.md listing each entry as the table decides it.
 */
class SpecialPurposeRegistryTest {
    private static final PeerPolicy DEFAULT = PeerPolicy.defaults();

    static Stream<SpecialPurposeRegistry.Entry> entries() {
        return SpecialPurposeRegistry.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void theDefaultPolicyDoesWhatTheTableSays(SpecialPurposeRegistry.Entry e) {
        Cidr block = Cidr.parse(e.prefix());
        byte[] first = first(block);
        byte[] last = last(block);
        switch (e.decision()) {
            case DENY -> {
                for (byte[] a : List.of(first, last)) {
                    for (byte[] spelling : spellings(a)) {
                        assertFalse(DEFAULT.isAllowed(spelling), e.prefix() + ": " + hex(spelling) + " must be refused");
                    }
                }
                byte[] next = add(last, 1);
                if (next != null && covering(next).isEmpty()) {
                    assertTrue(DEFAULT.isAllowed(next), e.prefix() + ": " + hex(next) + ", just past it, must be allowed");
                }
            }
            case ALLOW -> {
                assertTrue(DEFAULT.isAllowed(first), e.prefix() + " is globally reachable");
                assertTrue(DEFAULT.isAllowed(last), e.prefix() + " is globally reachable");
            }
            case EMBEDDED -> {
                byte[] mappedPublic = PeerPolicy.mapped(new byte[] {8, 8, 8, 8});
                byte[] mappedPrivate = PeerPolicy.mapped(new byte[] {10, 0, 0, 1});
                assertTrue(block.contains(mappedPublic) && block.contains(mappedPrivate));
                assertTrue(DEFAULT.isAllowed(mappedPublic), "::ffff:8.8.8.8 is 8.8.8.8");
                assertFalse(DEFAULT.isAllowed(mappedPrivate), "::ffff:10.0.0.1 is 10.0.0.1");
            }
            default -> throw new AssertionError(e.decision());
        }
    }

    @Test
    void theRuleIsNotReachableMeansDenied() {
        for (SpecialPurposeRegistry.Entry e : SpecialPurposeRegistry.all()) {
            if (e.globallyReachable().equals("False") || e.globallyReachable().equals("N/A")) {
                assertTrue(e.decision() != SpecialPurposeRegistry.Decision.ALLOW, e.prefix() + " is not globally reachable");
            }
            if (e.decision() == SpecialPurposeRegistry.Decision.ALLOW) {
                assertEquals("True", e.globallyReachable(), e.prefix());
            }
        }
    }

    @Test
    void theIssuesMissingRangesAreDenied() {
        for (String a : List.of("fec0::1", "fefe::1", "3fff::1", "3fff:fff:ffff::1", "5f00::1", "100:0:0:1::1")) {
            assertFalse(DEFAULT.isAllowed(Cidr.parse(a + "/128").network()), a);
        }
        assertTrue(DEFAULT.isAllowed(Cidr.parse("3fff:1000::1/128").network()), "just past 3fff::/20");
    }

    @Test
    void theDocsListEveryEntryAsTheTableDecidesIt() throws Exception {
        Path doc = Path.of("..", "docs", "PEER-POLICY.md");
        List<String> rows = Files.readAllLines(doc).stream().filter(l -> l.startsWith("| `")).toList();
        for (SpecialPurposeRegistry.Entry e : SpecialPurposeRegistry.all()) {
            String row = rows.stream().filter(r -> r.startsWith("| `" + e.prefix() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(e.prefix() + " is missing from " + doc));
            assertTrue(row.contains("| " + e.decision().name().toLowerCase(java.util.Locale.ROOT) + " |"), row);
            assertTrue(row.contains(e.rfc()), row);
        }
        assertEquals(SpecialPurposeRegistry.all().size(), rows.size(), "one row per entry, no stale rows");
    }

    /** The address and its IPv6 spellings (mapped, compatible, translated, 6to4, NAT64) when IPv4. */
    private static List<byte[]> spellings(byte[] a) {
        List<byte[]> all = new ArrayList<>();
        all.add(a);
        if (a.length == 4) {
            all.add(PeerPolicy.mapped(a));
            byte[] compatible = new byte[16];
            System.arraycopy(a, 0, compatible, 12, 4);
            all.add(compatible);
            byte[] translated = new byte[16];
            translated[8] = (byte) 0xFF;
            translated[9] = (byte) 0xFF;
            System.arraycopy(a, 0, translated, 12, 4);
            all.add(translated);
            byte[] sixToFour = new byte[16];
            sixToFour[0] = 0x20;
            sixToFour[1] = 0x02;
            System.arraycopy(a, 0, sixToFour, 2, 4);
            sixToFour[15] = 1;
            all.add(sixToFour);
            byte[] nat64 = new byte[16];
            nat64[1] = 0x64;
            nat64[2] = (byte) 0xFF;
            nat64[3] = (byte) 0x9B;
            System.arraycopy(a, 0, nat64, 12, 4);
            all.add(nat64);
        }
        return all;
    }

    /** The entries that refuse {@code a}, directly or through the IPv4 address it embeds (::2 is 0.0.0.2). */
    private static List<String> covering(byte[] a) {
        byte[] embedded = PeerPolicy.embeddedIpv4(a);
        return SpecialPurposeRegistry.all().stream().filter(e -> e.decision() != SpecialPurposeRegistry.Decision.ALLOW)
                .filter(e -> Cidr.parse(e.prefix()).contains(a) || (embedded != null && Cidr.parse(e.prefix()).contains(embedded)))
                .map(SpecialPurposeRegistry.Entry::prefix).toList();
    }

    private static byte[] first(Cidr c) {
        return c.network().clone();
    }

    private static byte[] last(Cidr c) {
        byte[] a = c.network().clone();
        for (int bit = c.prefixLength(); bit < a.length * 8; bit++) {
            a[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return a;
    }

    /** a + n, or null past the end of the address space. */
    private static byte[] add(byte[] a, int n) {
        BigInteger v = new BigInteger(1, a).add(BigInteger.valueOf(n));
        byte[] raw = v.toByteArray();
        if (v.bitLength() > a.length * 8) {
            return null;
        }
        byte[] out = new byte[a.length];
        System.arraycopy(raw, Math.max(0, raw.length - a.length), out, Math.max(0, a.length - raw.length),
                Math.min(raw.length, a.length));
        return out;
    }

    private static String hex(byte[] a) {
        return new BigInteger(1, a).toString(16);
    }
}
