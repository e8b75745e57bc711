package org.turnctl.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Address helpers for the listeners. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d on some platforms; the
     * 5-tuple and XOR-MAPPED-ADDRESS use the plain IPv4 address.
     */
    public static InetSocketAddress unmapped(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)), a.getPort());
                } catch (UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
