package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import java.util.List;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.XorPeerAddress;

/**
 * CreatePermission (RFC 8656 section 10.2, "Receiving a CreatePermission Request"): all peers or
 * none; each is checked for family (443) and policy (403) before any permission is installed.
 */
final class CreatePermissionHandler {
    private final AllocationManager allocations;

    CreatePermissionHandler(AllocationManager allocations) {
        this.allocations = allocations;
    }

    void handle(RequestContext ctx) {
        Allocation a = Allocations.require(ctx);
        // "The CreatePermission request MUST contain at least one XOR-PEER-ADDRESS attribute and
        // MAY contain multiple such attributes. If no such attribute exists, ... 400."
        List<XorPeerAddress> peers = XorPeerAddress.allFrom(ctx.request());
        if (peers.isEmpty()) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "XOR-PEER-ADDRESS missing");
        }
        // "If an XOR-PEER-ADDRESS attribute contains an address of an address family that is not
        // the same as that of a relayed transport address for the allocation, the server MUST
        // generate an error response with the 443 ..." and "The server MAY impose restrictions on
        // the IP address allowed in the XOR-PEER-ADDRESS attribute; if a value is not allowed,
        // the server rejects the request with a 403". Every peer first: the request is atomic.
        boolean[] relayOnly = new boolean[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            relayOnly[i] = Allocations.checkPeer(ctx, allocations, a, peers.get(i).address());
        }
        // "... the server installs or refreshes a permission for the IP address contained in each
        // XOR-PEER-ADDRESS attribute as described in Section 9. The port portion of each attribute
        // is ignored".
        long until = ctx.now() + ServerConfig.PERMISSION_LIFETIME * 1000;
        for (int i = 0; i < peers.size(); i++) {
            InetSocketAddress peer = peers.get(i).address();
            a.permit(peer.getAddress(), ctx.now(), until, relayOnly[i]);
        }
        ctx.respond(ctx.request().successResponse().build());
    }
}
