package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.tcprelay.TcpRelays;
import org.turnctl.stun.attr.ConnectionId;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.XorPeerAddress;

/**
 * Connect (RFC 6062 section 5.2, "Receiving a Connect Request"): the server opens a TCP connection
 * from the allocation's relayed address to the peer and answers with its CONNECTION-ID once it is
 * up; the client then binds it with ConnectionBind on a new connection.
 */
final class ConnectHandler {
    private final AllocationManager allocations;
    private final TcpRelays tcpRelays;

    ConnectHandler(AllocationManager allocations, TcpRelays tcpRelays) {
        this.allocations = allocations;
        this.tcpRelays = tcpRelays;
    }

    void handle(RequestContext ctx) {
        Allocation a = Allocations.require(ctx);
        // A Connect on a UDP allocation has nothing to connect from.
        if (!a.isTcp()) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "Connect needs a TCP allocation");
        }
        // "If the request does not contain an XOR-PEER-ADDRESS attribute, or ... the server MUST
        // respond with a 400 (Bad Request) error."
        InetSocketAddress peer = XorPeerAddress.from(ctx.request())
                .orElseThrow(() -> new TurnException(ErrorCode.BAD_REQUEST, "XOR-PEER-ADDRESS missing")).address();
        // The peer policy, as for a permission (403, 443 for the other family).
        boolean relayOnly = Allocations.checkPeer(ctx, allocations, a, peer);
        // "If the server is currently processing a Connect request for this allocation with the
        // same XOR-PEER-ADDRESS, it MUST return a 446 (Connection Already Exists) error. If the
        // server has already successfully processed a Connect request for this allocation with the
        // same XOR-PEER-ADDRESS, and the resulting client and peer data connections are either
        // pending or active, it MUST return a 446 (Connection Already Exists) error."
        if (tcpRelays.hasConnection(a, peer)) {
            throw new TurnException(ErrorCode.CONNECTION_ALREADY_EXISTS, "a connection to that peer exists");
        }
        // The peer's answers come back on the connection; a permission lets it connect again later.
        long now = ctx.now();
        a.permit(peer.getAddress(), now, now + ServerConfig.PERMISSION_LIFETIME * 1000, relayOnly);
        // "If the connection attempt fails or times out, the server MUST return a 447 (Connection
        // Timeout or Failure) error." Otherwise the success response carries the CONNECTION-ID.
        tcpRelays.connect(a, peer,
                id -> ctx.respond(ctx.request().successResponse().add(new ConnectionId(id)).build()),
                code -> ctx.respond(ctx.request().errorResponse().add(new ErrorCode(code, "")).build()));
    }
}
