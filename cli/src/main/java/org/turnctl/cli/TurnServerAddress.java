package org.turnctl.cli;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** host:port with IPv6 in brackets, for log lines and URLs. */
final class TurnServerAddress {
    private TurnServerAddress() {
    }

    static String format(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
