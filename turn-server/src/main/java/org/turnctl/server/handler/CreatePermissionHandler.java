package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import java.util.List;
import org.turnctl.server.ServerConfig;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.stun.attr.XorPeerAddress;

/**
 * CreatePermission (RFC 8656 section 10): all peers or none; each checked for family (443) and
 * policy (403) before any permission is installed.
 */
final class CreatePermissionHandler {

    void handle(RequestContext ctx) {
        Allocation a = Allocations.require(ctx);
        List<XorPeerAddress> peers = XorPeerAddress.allFrom(ctx.request());
        if (peers.isEmpty()) {
            throw new TurnException(400, "XOR-PEER-ADDRESS missing");
        }
        boolean[] relayOnly = new boolean[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            relayOnly[i] = Allocations.checkPeer(ctx, a, peers.get(i).address());
        }
        long until = ctx.now() + ServerConfig.PERMISSION_LIFETIME * 1000;
        for (int i = 0; i < peers.size(); i++) {
            InetSocketAddress peer = peers.get(i).address();
            a.permit(peer.getAddress(), ctx.now(), until, relayOnly[i]);
        }
        ctx.respond(ctx.request().successResponse().build());
    }
}
