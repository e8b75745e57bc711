package org.turnctl.server.handler;

import io.netty.channel.Channel;
import org.turnctl.server.tcprelay.TcpRelays;
import org.turnctl.stun.attr.ConnectionId;
import org.turnctl.stun.attr.ErrorCode;

/**
 * ConnectionBind (RFC 6062 section 5.4, "Receiving a ConnectionBind Request"), on a new TCP or TLS
 * connection of the client: after the success response the connection carries the peer's bytes,
 * no more STUN.
 */
final class ConnectionBindHandler {
    private final TcpRelays tcpRelays;

    ConnectionBindHandler(TcpRelays tcpRelays) {
        this.tcpRelays = tcpRelays;
    }

    void handle(RequestContext ctx) {
        Channel data = ctx.sink().connection();
        // A data connection is a connection of its own: not UDP, and not one that holds an allocation.
        if (data == null || ctx.slot().get() != null) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "ConnectionBind belongs on a new TCP or TLS connection");
        }
        // "If the client connection transport is not TCP or TLS, or if the CONNECTION-ID attribute
        // is not present or is invalid, or if the server does not have a pending connection for
        // it, the server MUST return a 400 (Bad Request) error."
        long id = ConnectionId.from(ctx.request())
                .orElseThrow(() -> new TurnException(ErrorCode.BAD_REQUEST, "CONNECTION-ID missing")).id();
        String owner = tcpRelays.owner(id);
        if (owner == null) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "no pending connection with that CONNECTION-ID");
        }
        // The data connection authenticates as the allocation's user (section 5.4: "the same
        // credentials"); another user's gets 441.
        if (!owner.equals(ctx.credential().username())) {
            throw new TurnException(ErrorCode.WRONG_CREDENTIALS, "not the user of that connection's allocation");
        }
        ctx.respond(ctx.request().successResponse().build());
        if (!tcpRelays.bind(id, data)) {
            data.close(); // the peer went away between the check and the bind
        }
    }
}
