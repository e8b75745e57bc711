package org.turnctl.server.handler;

import org.turnctl.server.ServerConfig;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedAddressFamily;

/** Refresh (RFC 8656 section 8): LIFETIME 0 deletes, anything else extends. */
final class RefreshHandler {

    void handle(RequestContext ctx) {
        StunMessage req = ctx.request();
        Allocation a = Allocations.require(ctx);
        RequestedAddressFamily family = RequestedAddressFamily.from(req).orElse(null);
        if (family != null && family.family() != AddressFamily.of(a.relayAddress().getAddress())) {
            throw new TurnException(443, "REQUESTED-ADDRESS-FAMILY does not match the allocation");
        }
        long requested = Lifetime.from(req).map(Lifetime::seconds).orElse(ServerConfig.DEFAULT_LIFETIME);
        long lifetime;
        if (requested == 0) {
            lifetime = 0;
            a.delete("refresh-0");
        } else {
            lifetime = Math.min(Math.max(requested, ServerConfig.DEFAULT_LIFETIME), ctx.server().config().maxLifetimeSeconds());
            a.refresh(ctx.now() + lifetime * 1000);
        }
        ctx.respond(req.successResponse().add(new Lifetime(lifetime)).build());
    }
}
