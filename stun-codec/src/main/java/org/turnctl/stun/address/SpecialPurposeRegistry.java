package org.turnctl.stun.address;

import java.util.List;

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, with RFC 8190 and the
 * RFCs that added entries since), as they stood in October 2025, and what the default peer policy
 * does with each entry; plus the ranges outside those registries that a relay must not reach
 * either (multicast, the deprecated site-local prefix). A new registry entry is one line here:
 * the tests walk this table, and docs/PEER-POLICY.md lists it.
 *
 * <p>It lives beside the codec, not in the server, because two sides read it: the server's
 * default peer policy is derived from it, and the probe's {@code acl} check asks a relay
 * (any relay) for a permission to each entry, to find the ones it would let through.
 *
 * <p>The rule: an entry whose "Globally Reachable" is False or N/A is denied. Globally reachable
 * entries inside a denied block (service anycast addresses, overlay identifiers) are denied with
 * it, since none is ever a media peer; the others are left to the operator's firewall. The
 * IPv4-in-IPv6 forms are not prefixes to deny but spellings ({@link Ipv4Embedding}): a peer
 * policy judges the IPv4 address they embed.
 */
public final class SpecialPurposeRegistry {

    /** What the default policy does with an entry. */
    public enum Decision {
        /** Refused as a peer. */
        DENY,
        /** Not refused by default: globally reachable. */
        ALLOW,
        /** Judged by the IPv4 address embedded in it (and refused when that one is). */
        EMBEDDED
    }

    /**
     * One registry entry.
     *
     * @param prefix            the address block
     * @param name              the registry's name for it
     * @param rfc               the RFC that defines it
     * @param globallyReachable the registry's "Globally Reachable": True, False or N/A (or "-" when
     *                          the block is not in the special-purpose registries)
     * @param decision          what the default policy does
     * @param why               in words, for the docs and for the probe's findings
     */
    public record Entry(String prefix, String name, String rfc, String globallyReachable, Decision decision, String why) {
    }

    private static Entry deny(String prefix, String name, String rfc, String reachable, String why) {
        return new Entry(prefix, name, rfc, reachable, Decision.DENY, why);
    }

    private static Entry allow(String prefix, String name, String rfc, String why) {
        return new Entry(prefix, name, rfc, "True", Decision.ALLOW, why);
    }

    public static final List<Entry> IPV4 = List.of(
            deny("0.0.0.0/8", "This network", "RFC 791", "False", "this host and network: never a peer"),
            deny("10.0.0.0/8", "Private-Use", "RFC 1918", "False", "the operator's internal network"),
            deny("100.64.0.0/10", "Shared Address Space", "RFC 6598", "False", "carrier-grade NAT: the provider's internal side"),
            deny("127.0.0.0/8", "Loopback", "RFC 1122", "False", "the relay host itself: its admin and metrics ports"),
            deny("169.254.0.0/16", "Link Local", "RFC 3927", "False",
                    "link-local, and 169.254.169.254 is cloud metadata: credentials theft"),
            deny("172.16.0.0/12", "Private-Use", "RFC 1918", "False", "the operator's internal network"),
            deny("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", "False",
                    "protocol-internal; its globally reachable anycast hosts (192.0.0.9 PCP, 192.0.0.10 TURN) are denied "
                            + "with it: never a media peer"),
            deny("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", "False", "inside 192.0.0.0/24"),
            deny("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", "False", "inside 192.0.0.0/24"),
            deny("192.0.0.170/31", "NAT64/DNS64 Discovery", "RFC 8880", "False", "inside 192.0.0.0/24"),
            deny("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", "False", "documentation: never on the wire"),
            allow("192.31.196.0/24", "AS112-v4", "RFC 7535", "globally reachable DNS sink"),
            allow("192.52.193.0/24", "AMT", "RFC 7450", "globally reachable multicast tunnelling relays"),
            deny("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", "N/A", "deprecated relay anycast"),
            deny("192.168.0.0/16", "Private-Use", "RFC 1918", "False", "the operator's internal network"),
            allow("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", "globally reachable DNS sink"),
            deny("198.18.0.0/15", "Benchmarking", "RFC 2544", "False", "lab networks"),
            deny("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", "False", "documentation: never on the wire"),
            deny("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", "False", "documentation: never on the wire"),
            deny("224.0.0.0/4", "Multicast (not in the special-purpose registry)", "RFC 5771", "-",
                    "multicast: one Send would reach a whole group"),
            deny("240.0.0.0/4", "Reserved", "RFC 1112", "False", "reserved, and 255.255.255.255 is broadcast"),
            deny("255.255.255.255/32", "Limited Broadcast", "RFC 919", "False", "inside 240.0.0.0/4"));

    public static final List<Entry> IPV6 = List.of(
            deny("::1/128", "Loopback Address", "RFC 4291", "False", "the relay host itself"),
            deny("::/128", "Unspecified Address", "RFC 4291", "False", "never a peer"),
            new Entry("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", "False", Decision.EMBEDDED,
                    "an IPv4 address in IPv6 spelling: judged as that IPv4 address"),
            deny("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", "True",
                    "NAT64: through the operator's own translator it reaches IPv4 inside; a public relay relays IPv4 "
                            + "natively (globally reachable, denied on purpose; --allow-peer opens it)"),
            deny("64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use)", "RFC 8215", "False", "a local NAT64 translator"),
            deny("100::/64", "Discard-Only Address Block", "RFC 6666", "False", "discard-only"),
            deny("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", "False", "never routed"),
            deny("2001::/23", "IETF Protocol Assignments", "RFC 2928", "False",
                    "protocol-internal; its globally reachable service anycast and overlay identifiers (2001:1::1-3, "
                            + "2001:3::/32 AMT, 2001:4:112::/48 AS112, 2001:20::/28 ORCHIDv2, 2001:30::/28 DRIP) are "
                            + "denied with it: never a media peer"),
            deny("2001::/32", "TEREDO", "RFC 4380", "N/A", "Teredo: embeds a client's IPv4 address and NAT port"),
            deny("2001:2::/48", "Benchmarking", "RFC 5180", "False", "lab networks"),
            deny("2001:db8::/32", "Documentation", "RFC 3849", "False", "documentation: never on the wire"),
            deny("2002::/16", "6to4", "RFC 3056", "N/A", "6to4: embeds an IPv4 address, judged as that one too"),
            allow("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", "globally reachable DNS sink"),
            deny("3fff::/20", "Documentation", "RFC 9637", "False", "documentation: never on the wire"),
            deny("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", "False", "SRv6 segment identifiers: an operator's routing"),
            deny("fc00::/7", "Unique-Local", "RFC 4193", "False", "the operator's internal network"),
            deny("fe80::/10", "Link-Local Unicast", "RFC 4291", "False", "link-local"),
            deny("fec0::/10", "Site-Local (deprecated, not in the registry)", "RFC 3879", "-",
                    "deprecated site-local, still routed inside some networks"),
            deny("ff00::/8", "Multicast (not in the special-purpose registry)", "RFC 4291", "-",
                    "multicast: one Send would reach a whole group"));

    private SpecialPurposeRegistry() {
    }

    /** Every entry, IPv4 first. */
    public static List<Entry> all() {
        return java.util.stream.Stream.concat(IPV4.stream(), IPV6.stream()).toList();
    }
}
