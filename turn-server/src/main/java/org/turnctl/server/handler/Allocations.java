package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.stun.attr.ErrorCode;

/** Checks shared by the handlers that act on an existing allocation. */
final class Allocations {

    private Allocations() {
    }

    /**
     * RFC 8656 section 5: the 5-tuple's allocation, or 437 (Allocation Mismatch); and a request
     * "that does not use the same username as used to create the allocation ... MUST be rejected
     * with a 441 (Wrong Credentials) error".
     */
    static Allocation require(RequestContext ctx) {
        Allocation a = ctx.slot().get();
        if (a == null || a.isDeleted()) {
            throw new TurnException(ErrorCode.ALLOCATION_MISMATCH, "no allocation for this 5-tuple");
        }
        if (!a.username().equals(ctx.credential().username())) {
            throw new TurnException(ErrorCode.WRONG_CREDENTIALS, "not the user that created the allocation");
        }
        return a;
    }

    /**
     * Peer checks of CreatePermission and ChannelBind, in this order: a peer of the other family
     * than the relay gets 443 (RFC 8656 sections 10.2 and 12.2), then the peer policy's 403.
     * Returns true when the peer is allowed only as one of this server's own relay sockets
     * (relay-to-relay on one server, even with a private relay address): such a permission admits
     * relay ports in use only.
     */
    static boolean checkPeer(RequestContext ctx, AllocationManager allocations, Allocation a, InetSocketAddress peer) {
        // A dual allocation relays both families (section 7.2).
        if (!a.relaysFamily(peer.getAddress())) {
            throw new TurnException(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, "peer address family differs from the relay's");
        }
        if (ctx.settings().policy().isAllowed(peer.getAddress())) {
            return false;
        }
        if (allocations.isOwnRelay(peer)) {
            return true;
        }
        throw new TurnException(ErrorCode.FORBIDDEN, "peer refused by policy");
    }
}
