package org.turnctl.probe.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.address.SpecialPurposeRegistry;

/** The acl check's question list, held to the registry table it is built from. */
class PolicyProbeAddressesTest {
    private final List<PolicyProbeAddresses.Candidate> all = PolicyProbeAddresses.all();
    /** Collecting to a map also proves no address is asked twice (a duplicate key throws). */
    private final Map<String, PolicyProbeAddresses.Candidate> byText = all.stream()
            .collect(Collectors.toMap(PolicyProbeAddresses.Candidate::text, Function.identity()));

    @Test
    void everyDeniedBlockIsAskedForOnceAndEveryIpv4OneInFiveSpellings() {
        List<SpecialPurposeRegistry.Entry> denied = SpecialPurposeRegistry.all().stream()
                .filter(e -> e.decision() == SpecialPurposeRegistry.Decision.DENY).toList();
        long ipv4 = denied.stream().filter(e -> !e.prefix().contains(":")).count();
        Set<String> ranges = all.stream().map(PolicyProbeAddresses.Candidate::range).collect(Collectors.toSet());
        for (SpecialPurposeRegistry.Entry e : denied) {
            assertTrue(ranges.contains(e.prefix()), e.prefix() + " is asked for in its own right");
            if (!e.prefix().contains(":")) {
                long spellings = all.stream().filter(c -> c.range().startsWith(e.prefix() + " as ")).count();
                // 0.0.0.0 spelled IPv4-compatible is ::, which the ::/128 block already asks for.
                assertEquals(e.prefix().equals("0.0.0.0/8") ? 4 : 5, spellings, e.prefix());
            }
        }
        assertEquals(denied.size() + 5 * ipv4 - 1 + 2, all.size(), "blocks + spellings - the one shared + two extras");
    }

    @Test
    void theTellingAddressesAndTheirSpellings() {
        assertTrue(byText.get("169.254.169.254").risk().contains("cloud metadata: credentials theft"));
        assertEquals("169.254.0.0/16 as IPv4-mapped", byText.get("::ffff:169.254.169.254").range());
        assertEquals("169.254.0.0/16 as NAT64", byText.get("64:ff9b::a9fe:a9fe").range());
        assertEquals("169.254.0.0/16 as 6to4", byText.get("2002:a9fe:a9fe::1").range());
        assertEquals("127.0.0.0/8", byText.get("127.0.0.1").range());
        assertEquals("0.0.0.0/8", byText.get("0.0.0.0").range());
        assertEquals("192.0.0.0/24", byText.get("192.0.0.10").range());
        assertEquals("2002::/16", byText.get("2002:808:808::1").range());
        assertEquals("::/128", byText.get("::").range());
        assertEquals("::1/128", byText.get("::1").range());
        assertEquals("fe80::/10", byText.get("fe80::1").range());
        assertTrue(byText.get("fd00:ec2::254").risk().contains("AWS"));
        assertTrue(byText.get("::ffff:169.254.169.254").ipv6(), "a mapped address stays IPv6 on the wire");
        assertEquals(16, byText.get("::ffff:169.254.169.254").inet().getAddress().length);
    }
}
