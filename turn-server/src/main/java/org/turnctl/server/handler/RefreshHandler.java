package org.turnctl.server.handler;

import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedAddressFamily;

/** Refresh (RFC 8656 section 8.2, "Receiving a Refresh Request"): LIFETIME 0 deletes, anything else extends. */
final class RefreshHandler {

    void handle(RequestContext ctx) {
        StunMessage req = ctx.request();
        // Section 5: a request on a 5-tuple without an allocation gets 437; another user's, 441.
        Allocation a = Allocations.require(ctx);
        // "If the server receives a Refresh Request with a REQUESTED-ADDRESS-FAMILY attribute
        // and the attribute value does not match the address family of the allocation, the server
        // MUST reply with a 443 (Peer Address Family Mismatch) Refresh error response."
        RequestedAddressFamily family = RequestedAddressFamily.from(req).orElse(null);
        // A dual allocation matches either family; it has one lifetime, refreshed or deleted as a whole.
        boolean matches = family == null || family.family() == AddressFamily.of(a.relayAddress().getAddress())
                || (a.additional() != null && family.family() == AddressFamily.of(a.additional().address().getAddress()));
        if (!matches) {
            throw new TurnException(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, "REQUESTED-ADDRESS-FAMILY does not match the allocation");
        }
        // "if the request contains a LIFETIME attribute and the attribute value is zero, then the
        // 'desired lifetime' is zero. Otherwise ... computed as for Allocate."
        long requested = Lifetime.from(req).map(Lifetime::seconds).orElse(ServerConfig.DEFAULT_LIFETIME);
        long lifetime;
        if (requested == 0) {
            // "If the 'desired lifetime' is zero, then the request succeeds and the allocation is deleted."
            lifetime = 0;
            a.delete("refresh-0");
        } else {
            // "... the allocation's time-to-expiry is set to the 'desired lifetime'."
            lifetime = AllocateHandler.lifetime(req, ctx.settings().config());
            a.refresh(ctx.now() + lifetime * 1000);
        }
        // "... a success response containing a LIFETIME attribute containing the current value of
        // the time-to-expiry timer."
        ctx.respond(req.successResponse().add(new Lifetime(lifetime)).build());
    }
}
