package org.turnctl.server.handler;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;

/** Checks shared by the handlers that act on an existing allocation. */
final class Allocations {

    private Allocations() {
    }

    /** The 5-tuple's allocation, or 437; and the same user that created it, or 441. */
    static Allocation require(RequestContext ctx) {
        Allocation a = ctx.slot().get();
        if (a == null || a.isDeleted()) {
            throw new TurnException(437, "no allocation for this 5-tuple");
        }
        if (!a.username().equals(ctx.credential().username())) {
            throw new TurnException(441, "not the user that created the allocation");
        }
        return a;
    }

    /**
     * RFC 8656 sections 9.1 and 11.1: a peer of the other family than the relay gets 443, which
     * is checked before the peer policy's 403 (shared/DESIGN.md).
     */
    /**
     * Returns true when the peer is allowed only as one of this server's own relay sockets
     * (relay-to-relay on one server, even with a private relay address): the peer's IP is a
     * relay IP and its port is a relay port in use. Such a permission admits relay ports only.
     */
    static boolean checkPeer(RequestContext ctx, Allocation a, InetSocketAddress peer) {
        boolean relayV4 = a.relayAddress().getAddress() instanceof Inet4Address;
        boolean peerV4 = peer.getAddress() instanceof Inet4Address;
        if (relayV4 != peerV4) {
            throw new TurnException(443, "peer address family differs from the relay's");
        }
        if (ctx.server().policy().isAllowed(peer.getAddress())) {
            return false;
        }
        if (ctx.server().isOwnRelay(peer)) {
            return true;
        }
        throw new TurnException(403, "peer refused by policy");
    }
}
