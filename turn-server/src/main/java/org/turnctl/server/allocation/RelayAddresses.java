package org.turnctl.server.allocation;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * The addresses relay sockets bind to (at most one per family) and what XOR-RELAYED-ADDRESS
 * advertises for them behind 1:1 NAT ({@code --external-ip}). Fixed at start: changing them needs
 * a restart.
 */
public final class RelayAddresses {
    private final InetAddress ipv4;
    private final InetAddress ipv6;
    private final Map<InetAddress, InetAddress> external;

    /** @param external public address per relay address; a family's wildcard key maps that whole family */
    public RelayAddresses(InetAddress ipv4, InetAddress ipv6, Map<InetAddress, InetAddress> external) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.external = Map.copyOf(external);
    }

    /** The relay address of a family, or null when there is none (440). */
    public InetAddress ip(boolean ipv6) {
        return ipv6 ? this.ipv6 : ipv4;
    }

    /** True when {@code ip} is one of the relay addresses (an IPv4-mapped spelling counts as IPv4). */
    public boolean isRelayIp(InetAddress ip) {
        return ip.equals(ipv4) || ip.equals(ipv6)
                || (ipv4 != null && java.util.Arrays.equals(ip.getAddress(), ipv4.getAddress()));
    }

    /** What XOR-RELAYED-ADDRESS says for a relay socket: its --external-ip when one is set. */
    public InetSocketAddress advertised(InetSocketAddress relay) {
        InetAddress public_ = external.get(relay.getAddress());
        if (public_ == null) {
            // "--external-ip PUBLIC" without /PRIVATE maps the relay address of PUBLIC's family,
            // stored under that family's wildcard address.
            public_ = external.get(wildcard(relay.getAddress()));
        }
        return public_ == null ? relay : new InetSocketAddress(public_, relay.getPort());
    }

    private static InetAddress wildcard(InetAddress a) {
        try {
            return InetAddress.getByAddress(new byte[a.getAddress().length]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return (ipv4 != null ? NetUtil.toAddressString(ipv4) : "-") + (ipv6 != null ? " " + NetUtil.toAddressString(ipv6) : "");
    }
}
