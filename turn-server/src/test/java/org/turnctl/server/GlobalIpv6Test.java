package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A wildcard [::] listen picks a global unicast IPv6 relay address, never a local or embedded-IPv4 one. */
class GlobalIpv6Test {

    private static List<InetAddress> addresses(String... literals) throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (String l : literals) {
            out.add(InetAddress.getByName(l));
        }
        return out;
    }

    @Test
    void picksTheFirstGlobalUnicastAddress() throws Exception {
        assertEquals(InetAddress.getByName("2a01:4f8::10"), org.turnctl.server.net.HostAddresses.globalIpv6(addresses(
                "10.0.0.5", "fe80::1", "fd00::2", "2002:c000:204::1", "2001:0:4136:e378::1", "2a01:4f8::10", "2600::1")));
    }

    @Test
    void noneWithoutOne() throws Exception {
        assertNull(org.turnctl.server.net.HostAddresses.globalIpv6(addresses("fd00::2", "fe80::fc:ff:fe00:1", "::1", "192.0.2.1")));
    }
}
