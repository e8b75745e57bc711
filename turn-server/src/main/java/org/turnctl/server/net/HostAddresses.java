package org.turnctl.server.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** This host's own addresses, for picking relay addresses when the listen address is a wildcard. */
public final class HostAddresses {

    private HostAddresses() {
    }

    /** The first IPv4 address of an interface that is up, not loopback and not link-local. */
    public static InetAddress firstIpv4() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                        return a;
                    }
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    /** Every address of every interface that is up and not loopback. */
    public static List<InetAddress> all() {
        List<InetAddress> all = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    all.addAll(Collections.list(nif.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return all;
    }

    /**
     * The first global unicast IPv6 address (2000::/3, RFC 4291 section 2.4) among these, or null:
     * not link-local, not unique-local (fc00::/7 is not reachable from the Internet), not an
     * IPv4-mapped or 6to4/Teredo form.
     */
    public static InetAddress globalIpv6(List<InetAddress> addresses) {
        for (InetAddress a : addresses) {
            if (!(a instanceof Inet6Address)) {
                continue;
            }
            byte[] b = a.getAddress();
            boolean globalUnicast = (b[0] & 0xE0) == 0x20;
            boolean sixToFourOrTeredo = (b[0] == 0x20 && b[1] == 0x02) || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0);
            if (globalUnicast && !sixToFourOrTeredo) {
                return ((Inet6Address) a).getScopeId() == 0 ? a : stripScope((Inet6Address) a);
            }
        }
        return null;
    }

    private static InetAddress stripScope(Inet6Address a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }
}
