package org.turnctl.server.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.stun.address.Ipv4Embedding;
import org.turnctl.stun.address.SpecialPurposeRegistry;

/**
 * Which peers a client may reach through the relay. Safe by default: loopback, private,
 * link-local, cloud metadata, documentation and other special ranges are refused.
 *
 * <p>A peer is refused when its literal address, or the IPv4 address it embeds (IPv4-mapped
 * ::ffff:0:0/96, IPv4-compatible ::/96, IPv4-translated ::ffff:0:0:0/96, 6to4 2002::/16,
 * NAT64 64:ff9b::/96), matches a deny prefix and no longer allow prefix matches; on equal
 * length, deny wins. Without this, "::ffff:169.254.169.254" would walk past a rule written for
 * 169.254.0.0/16. An allow prefix identical to a default deny prefix replaces it (that is what
 * an operator who writes {@code --allow-peer 10.0.0.0/8} means). 0.0.0.0/8 and :: are never
 * allowed. (The server's own relay sockets are let through by the server itself, by transport
 * address, not here: see {@code AllocationManager.isOwnRelay}.)
 *
 * <p>Immutable and thread-safe; a reload builds a new one.
 */
public final class PeerPolicy {

    /**
     * Refused by default: every special-purpose block that is not globally reachable, and a few
     * more, entry by entry in {@link SpecialPurposeRegistry} (docs/PEER-POLICY.md says why each).
     */
    public static final List<String> DEFAULT_DENY = denied();

    private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

    private final List<Cidr> deny;
    private final List<Cidr> allow;
    private final boolean loopbackAllowed;

    private PeerPolicy(List<Cidr> deny, List<Cidr> allow, boolean loopbackAllowed) {
        this.deny = deny;
        this.allow = allow;
        this.loopbackAllowed = loopbackAllowed;
    }

    /**
     * @param allow          {@code --allow-peer} prefixes
     * @param extraDeny      {@code --deny-peer} prefixes, added to the defaults
     * @param allowLoopback  {@code --allow-loopback-peers}: opens 127.0.0.0/8 and ::1 only
     */
    public static PeerPolicy of(List<Cidr> allow, List<Cidr> extraDeny, boolean allowLoopback) {
        List<Cidr> deny = new ArrayList<>();
        for (String d : DEFAULT_DENY) {
            Cidr c = Cidr.parse(d);
            if (allow.contains(c) || (allowLoopback && LOOPBACK.contains(c))) {
                continue;
            }
            deny.add(c);
        }
        deny.addAll(extraDeny);
        return new PeerPolicy(List.copyOf(deny), List.copyOf(allow), allowLoopback);
    }

    /** The default policy with nothing allowed beyond it. */
    public static PeerPolicy defaults() {
        return of(List.of(), List.of(), false);
    }

    public boolean isAllowed(InetAddress peer) {
        return isAllowed(peer.getAddress());
    }

    /** Decides on the raw 4- or 16-byte address as it came off the wire. */
    public boolean isAllowed(byte[] peer) {
        if (isUnspecified(peer)) {
            return false;
        }
        if (!formAllowed(peer)) {
            return false;
        }
        byte[] embedded = embeddedIpv4(peer);
        return embedded == null || (!THIS_NETWORK.contains(embedded) && formAllowed(embedded));
    }

    private boolean formAllowed(byte[] address) {
        if (address.length == 4 && THIS_NETWORK.contains(address)) {
            return false;
        }
        int denyLength = longestMatch(deny, address);
        if (denyLength < 0) {
            return true;
        }
        return longestMatch(allow, address) > denyLength;
    }

    private static int longestMatch(List<Cidr> prefixes, byte[] address) {
        int best = -1;
        for (Cidr c : prefixes) {
            if (c.prefixLength() > best && c.contains(address)) {
                best = c.prefixLength();
            }
        }
        return best;
    }

    private static boolean isUnspecified(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return a.length == 16;
    }

    /** The IPv4 address an IPv6 address carries, in any form a relay could be tricked with, or null. */
    static byte[] embeddedIpv4(byte[] a) {
        return Ipv4Embedding.extract(a);
    }

    static byte[] mapped(byte[] ipv4) {
        return Ipv4Embedding.MAPPED.embed(ipv4);
    }

    /**
     * The registry's denied prefixes, without those inside another denied prefix (they are listed
     * for the record; the outer one decides).
     */
    static List<String> denied() {
        List<SpecialPurposeRegistry.Entry> deny = SpecialPurposeRegistry.all().stream()
                .filter(e -> e.decision() == SpecialPurposeRegistry.Decision.DENY).toList();
        return deny.stream().filter(e -> deny.stream().noneMatch(o -> o != e && strictlyInside(e.prefix(), o.prefix())))
                .map(SpecialPurposeRegistry.Entry::prefix).toList();
    }

    /** True when {@code inner} lies inside {@code outer} and is not the same block. */
    static boolean strictlyInside(String inner, String outer) {
        Cidr i = Cidr.parse(inner);
        Cidr o = Cidr.parse(outer);
        return !i.equals(o) && i.isIpv6() == o.isIpv6() && o.prefixLength() < i.prefixLength() && o.contains(i.network());
    }

    /** One line for the start-up log. */
    public String summary() {
        return "deny " + deny.size() + " prefixes (defaults" + (loopbackAllowed ? " minus loopback" : "")
                + (deny.size() > DEFAULT_DENY.size() ? " plus --deny-peer" : "") + "), allow " + allow
                + ", own relay sockets allowed";
    }
}
