package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.turnctl.server.policy.Cidr;
import org.turnctl.server.policy.PeerPolicy;

class PeerPolicyTest {
    private static final PeerPolicy DEFAULT = PeerPolicy.defaults();

    /** Parses keeping the IPv6 form even for ::ffff:a.b.c.d, as the codec does. */
    static byte[] ip(String s) throws Exception {
        byte[] b = InetAddress.getByName(s).getAddress();
        if (s.contains(":") && b.length == 4) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xFF;
            m[11] = (byte) 0xFF;
            System.arraycopy(b, 0, m, 12, 4);
            return Inet6Address.getByAddress(null, m, -1).getAddress();
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.1", "0.0.0.0", "0.1.2.3", "10.1.2.3", "100.64.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255",
        "192.0.0.1", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.51.100.1", "203.0.113.1",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "100::1", "64:ff9b:1::1",
        // every IPv6 spelling of a denied IPv4 address
        "::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1", "::ffff:0:127.0.0.1", "2002:7f00:1::", "64:ff9b::127.0.0.1",
        "::ffff:169.254.169.254", "::169.254.169.254", "2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe", "::ffff:0:a9fe:a9fe",
        "::ffff:10.0.0.1", "::ffff:0.0.0.0", "::ffff:192.168.0.1", "2002:c0a8:101::1"})
    void deniedByDefault(String peer) throws Exception {
        assertFalse(DEFAULT.isAllowed(ip(peer)), peer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "2a00:1450::1",
        "::ffff:8.8.8.8"})
    void publicPeersAreAllowed(String peer) throws Exception {
        assertTrue(DEFAULT.isAllowed(ip(peer)), peer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::808:808", "2002:808:808::1"})
    void nat64And6to4PrefixesAreDeniedWholeEvenForPublicAddresses(String peer) throws Exception {
        assertFalse(DEFAULT.isAllowed(ip(peer)), peer);
    }

    @Test
    void allowLoopbackOpensLoopbackOnly() throws Exception {
        PeerPolicy p = PeerPolicy.of(List.of(), List.of(), true);
        for (String ok : List.of("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::127.0.0.1", "::ffff:0:127.0.0.1")) {
            assertTrue(p.isAllowed(ip(ok)), ok);
        }
        for (String no : List.of("0.0.0.0", "::", "169.254.169.254", "10.0.0.1", "::ffff:169.254.169.254", "fe80::1",
                "2002:7f00:1::" /* 2002::/16 itself stays denied */)) {
            assertFalse(p.isAllowed(ip(no)), no);
        }
    }

    @Test
    void longerAllowWinsAndEqualLengthDenyWins() throws Exception {
        PeerPolicy p = PeerPolicy.of(List.of(Cidr.parse("10.1.0.0/16"), Cidr.parse("192.0.2.0/24")),
                List.of(Cidr.parse("10.1.2.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("8.8.8.8/32")), false);
        assertTrue(p.isAllowed(ip("10.1.9.9")));
        assertTrue(p.isAllowed(ip("::ffff:10.1.9.9")), "allow applies to the embedded form too");
        assertFalse(p.isAllowed(ip("10.1.2.3")), "a longer deny beats a shorter allow");
        assertFalse(p.isAllowed(ip("10.2.0.1")));
        assertFalse(p.isAllowed(ip("192.0.2.7")), "explicit --deny-peer equal to --allow-peer: deny wins");
        assertFalse(p.isAllowed(ip("8.8.8.8")));
        assertTrue(p.isAllowed(ip("8.8.4.4")));
    }

    @Test
    void allowEqualToADefaultReplacesIt() throws Exception {
        PeerPolicy p = PeerPolicy.of(List.of(Cidr.parse("10.0.0.0/8")), List.of(), false);
        assertTrue(p.isAllowed(ip("10.9.8.7")));
        assertFalse(p.isAllowed(ip("192.168.1.1")));
    }

    @Test
    void thisNetworkAndUnspecifiedAreNeverAllowed() throws Exception {
        PeerPolicy p = PeerPolicy.of(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")), List.of(), true);
        assertFalse(p.isAllowed(ip("0.0.0.0")));
        assertFalse(p.isAllowed(ip("0.255.0.1")));
        assertFalse(p.isAllowed(ip("::")));
        assertFalse(p.isAllowed(ip("::ffff:0.0.0.0")));
        assertFalse(p.isAllowed(ip("10.0.0.1")), "deny 10.0.0.0/8 is longer than allow 0.0.0.0/0");
        assertTrue(p.isAllowed(ip("8.8.8.8")));
    }

    @Test
    void cidrParsing() {
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.1.2.3/8"));
        assertEquals(128, Cidr.parse("::1").prefixLength());
        assertEquals(32, Cidr.parse("[2001:db8::]/32").prefixLength());
        for (String bad : List.of("", "10.0.0.0/33", "::/129", "example.com/8", "10.0.0.0/x", "/8", "1.2.3.4/-1")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @org.junit.jupiter.api.Test
    void prefixesPrintInTheShortForm() {
        // RFC 5952: the start line and config check print what operators write.
        org.junit.jupiter.api.Assertions.assertEquals("fd00::/8", org.turnctl.server.policy.Cidr.parse("fd00::/8").toString());
        org.junit.jupiter.api.Assertions.assertEquals("2001:db8::/32", org.turnctl.server.policy.Cidr.parse("2001:0db8:0:0::/32").toString());
        org.junit.jupiter.api.Assertions.assertEquals("::ffff:0:0/96", org.turnctl.server.policy.Cidr.parse("::ffff:0:0/96").toString(), "as the IANA registry writes it, not 0.0.0.0/96");
        org.junit.jupiter.api.Assertions.assertEquals("10.0.0.0/8", org.turnctl.server.policy.Cidr.parse("10.0.0.0/8").toString());
    }
}
