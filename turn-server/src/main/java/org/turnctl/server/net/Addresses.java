package org.turnctl.server.net;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Address helpers: what the listeners see, and how logs and the start line print it. */
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

    /**
     * host:port, IPv6 in brackets and in RFC 5952's short form (Netty's {@code NetUtil}), for logs
     * and URLs: {@code [::]:3478} and {@code [::1]:3478}, as operators write them, not
     * {@code [0:0:0:0:0:0:0:0]:3478}.
     */
    public static String format(InetSocketAddress a) {
        return NetUtil.toSocketAddressString(a);
    }
}
