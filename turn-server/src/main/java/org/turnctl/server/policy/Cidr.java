package org.turnctl.server.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 prefix, parsed from "address/length" (a bare address is a host prefix). */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        network = network.clone();
        int bits = network.length * 8;
        if ((network.length != 4 && network.length != 16) || prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("bad prefix length /" + prefixLength);
        }
        // Clear host bits so that equal prefixes compare equal.
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            network[i] &= (byte) (0xFF << (8 - keep));
        }
    }

    /**
     * Parses "10.0.0.0/8", "fe80::/10", "192.0.2.1". Only literal addresses: a host name here
     * would mean a DNS lookup at start-up, and a policy that changes with DNS.
     */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        if (addr.isEmpty() || !(addr.contains(":") || addr.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("not a CIDR: '" + text + "' (expected ADDRESS/LENGTH)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("not a CIDR: '" + text + "'");
        }
        if (addr.contains(":") && bytes.length == 4) {
            // The JDK reads ::ffff:a.b.c.d as IPv4; keep the IPv6 form the user wrote.
            bytes = PeerPolicy.mapped(bytes);
        }
        int length = bytes.length * 8;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR: '" + text + "' (bad prefix length)");
            }
            if (length < 0 || length > bytes.length * 8) {
                throw new IllegalArgumentException("not a CIDR: '" + text + "' (prefix length out of range)");
            }
        }
        return new Cidr(bytes, length);
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    /** True when the address (of the same family: 4 or 16 bytes) lies in this prefix. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest);
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && prefixLength == c.prefixLength && java.util.Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        // RFC 5952's short form: fc00::/7, not fc00:0:0:0:0:0:0:0/7. From the bytes: the JDK would
        // turn a 16-byte ::ffff:0:0 into the IPv4 0.0.0.0 and lose the prefix's meaning.
        return io.netty.util.NetUtil.bytesToIpAddress(network) + "/" + prefixLength;
    }
}
