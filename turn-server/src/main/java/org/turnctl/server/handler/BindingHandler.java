package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ChangeRequest;
import org.turnctl.stun.attr.MappedAddress;
import org.turnctl.stun.attr.SourceAddress;
import org.turnctl.stun.attr.XorMappedAddress;

/**
 * Binding (RFC 8489 section 10.1.1 here; no authentication). An RFC 3489 request gets
 * MAPPED-ADDRESS and SOURCE-ADDRESS, its 16-byte transaction id echoed, and nothing a classic
 * client would not understand. RESPONSE-ADDRESS is never honoured: the answer goes back to the
 * sender, never to a third party.
 */
final class BindingHandler {

    private BindingHandler() {
    }

    static void handle(RequestContext ctx, org.turnctl.server.metrics.TurnMetrics metrics) {
        StunMessage req = ctx.request();
        metrics.bindingRequest();
        // Until RFC 5780 behaviour discovery exists, a request to answer from another address is
        // one we cannot honour: 420 naming CHANGE-REQUEST, which RFC 5780 clients read as "no".
        ChangeRequest change = ChangeRequest.from(req).orElse(null);
        if (change != null && (change.changeIp() || change.changePort())) {
            throw new RequestDispatcher.UnknownAttributesException(java.util.List.of(ChangeRequest.TYPE));
        }
        InetSocketAddress client = ctx.fiveTuple().client();
        StunMessage.Builder b = req.successResponse();
        if (req.isLegacy()) {
            b.add(new MappedAddress(client)).add(new SourceAddress(ctx.fiveTuple().server()));
        } else {
            b.add(new XorMappedAddress(client));
        }
        ctx.respond(b.build());
    }
}
