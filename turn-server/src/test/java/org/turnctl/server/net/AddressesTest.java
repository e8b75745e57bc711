package org.turnctl.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void wildcardsPrintAsOperatorsWriteThem() {
        assertEquals("[::]:3478", Addresses.format(new InetSocketAddress("::", 3478)));
        assertEquals("0.0.0.0:3478", Addresses.format(new InetSocketAddress("0.0.0.0", 3478)));
        assertEquals("[::1]:3478", Addresses.format(new InetSocketAddress("::1", 3478)));
        assertEquals("[2001:db8::7]:49152", Addresses.format(new InetSocketAddress("2001:db8::7", 49152)));
        assertEquals("192.0.2.7:443", Addresses.format(new InetSocketAddress("192.0.2.7", 443)));
    }

    @Test
    void ipv4MappedClientsAreUnmapped() {
        assertEquals(new InetSocketAddress("192.0.2.7", 5000), Addresses.unmapped(new InetSocketAddress("::ffff:192.0.2.7", 5000)));
        assertEquals(new InetSocketAddress("2001:db8::1", 5000), Addresses.unmapped(new InetSocketAddress("2001:db8::1", 5000)));
    }
}
