package org.turnctl.probe.acl;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.turnctl.stun.address.Ipv4Embedding;
import org.turnctl.stun.address.SpecialPurposeRegistry;

/**
 * The addresses the {@code acl} check asks a relay for: one from every special-purpose block
 * that no relay should reach (the registry table the server's own policy is derived from), every
 * IPv6 spelling of each IPv4 one, and the cloud metadata addresses by name.
 */
public final class PolicyProbeAddresses {

    /**
     * One address to ask for.
     *
     * @param address 4 or 16 bytes, exactly as it goes into XOR-PEER-ADDRESS (an IPv4-mapped
     *                address stays a 16-byte IPv6 address on the wire)
     * @param range   the registry block it stands for, and the spelling when it is embedded
     * @param risk    why a relay that lets it through is a problem, in words
     */
    public record Candidate(byte[] address, String range, String risk) {

        public boolean ipv6() {
            return address.length == 16;
        }

        /** The address as an {@link InetAddress} that keeps its family (no IPv4-mapped folding). */
        public InetAddress inet() {
            try {
                return address.length == 16 ? Inet6Address.getByAddress(null, address, -1) : InetAddress.getByAddress(address);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 or 16 bytes", e);
            }
        }

        /** The address in its usual text form; an embedded IPv4 one shows the form it is in. */
        public String text() {
            return format(address);
        }
    }

    /**
     * Addresses more telling than a block's first host: where the block is known for one address,
     * that one is asked for (the metadata service, the all-hosts group, "this host").
     */
    private static final Map<String, String> TELLING = Map.ofEntries(
            Map.entry("0.0.0.0/8", "0.0.0.0"), // "this host": Linux delivers it to loopback
            Map.entry("169.254.0.0/16", "169.254.169.254"),
            Map.entry("192.0.0.0/24", "192.0.0.10"), // the TURN anycast address (RFC 8155)
            Map.entry("224.0.0.0/4", "224.0.0.1"),
            Map.entry("::/128", "::"),
            // The translation prefixes themselves, with a public IPv4 address inside: a relay that
            // only judges the embedded address lets these through.
            Map.entry("64:ff9b::/96", "64:ff9b::808:808"),
            Map.entry("2002::/16", "2002:808:808::1"),
            Map.entry("2001::/23", "2001:1::1"), // the first of the anycast addresses in it
            Map.entry("ff00::/8", "ff02::1"));

    /** Addresses not tied to a registry block's first host, asked for as well. */
    private static final List<Candidate> EXTRA = List.of(
            new Candidate(parse("fd00:ec2::254"), "fc00::/7",
                    "Unique-Local, and fd00:ec2::254 is the AWS IPv6 metadata service: credentials theft"),
            new Candidate(parse("100.100.100.200"), "100.64.0.0/10",
                    "Shared Address Space, and 100.100.100.200 is Alibaba Cloud's metadata service: credentials theft"));

    private PolicyProbeAddresses() {
    }

    /**
     * Every candidate, each address once: IPv4 blocks, IPv6 blocks, the five IPv6 spellings of each
     * IPv4 one (a spelling that is also an IPv6 block's address, such as :: for 0.0.0.0, counts
     * as that block), the extras.
     */
    public static List<Candidate> all() {
        List<Candidate> out = new ArrayList<>();
        List<Candidate> ipv6 = new ArrayList<>();
        List<Candidate> embedded = new ArrayList<>();
        for (SpecialPurposeRegistry.Entry e : SpecialPurposeRegistry.all()) {
            if (e.decision() != SpecialPurposeRegistry.Decision.DENY) {
                continue; // globally reachable, or a spelling (::ffff:0:0/96) covered below
            }
            byte[] a = representative(e.prefix());
            String risk = e.name() + " (" + e.rfc() + "): " + e.why();
            Candidate c = new Candidate(a, e.prefix(), risk);
            if (a.length == 4) {
                out.add(c);
                for (Ipv4Embedding form : Ipv4Embedding.values()) {
                    embedded.add(new Candidate(form.embed(a), e.prefix() + " as " + form.label(), risk));
                }
            } else {
                ipv6.add(c);
            }
        }
        out.addAll(ipv6);
        out.addAll(embedded);
        out.addAll(EXTRA);
        java.util.Set<String> seen = new java.util.HashSet<>();
        return out.stream().filter(c -> seen.add(c.text())).toList();
    }

    /** The block's telling address, or its first host (the network address for a /32 or /128). */
    static byte[] representative(String prefix) {
        String telling = TELLING.get(prefix);
        if (telling != null) {
            return parse(telling);
        }
        int slash = prefix.indexOf('/');
        byte[] a = parse(prefix.substring(0, slash));
        int length = Integer.parseInt(prefix.substring(slash + 1));
        if (length < a.length * 8) {
            a[a.length - 1] |= 1;
        }
        return a;
    }

    private static byte[] parse(String literal) {
        try {
            byte[] a = InetAddress.getByName(literal).getAddress();
            if (literal.contains(":") && a.length == 4) {
                return Ipv4Embedding.MAPPED.embed(a); // the JDK folds ::ffff:a.b.c.d to IPv4
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
    }

    /** RFC 5952 text (Netty's), an IPv4-mapped address as ::ffff:a.b.c.d. */
    static String format(byte[] a) {
        if (a.length == 4) {
            return NetUtil.bytesToIpAddress(a);
        }
        try {
            return NetUtil.toAddressString(Inet6Address.getByAddress(null, a, -1), true);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes", e);
        }
    }
}
