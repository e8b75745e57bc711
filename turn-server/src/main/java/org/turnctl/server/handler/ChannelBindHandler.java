package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.ChannelData;

/**
 * ChannelBind (RFC 8656 section 12.2, "Receiving a ChannelBind Request"). Channel numbers
 * 0x4000-0x7FFF by default (RFC 5766's range, still used by coturn's client), 0x4000-0x4FFF with
 * --strict-channel-numbers. A bind or refresh also installs or refreshes the peer's permission.
 */
final class ChannelBindHandler {
    private final AllocationManager allocations;

    ChannelBindHandler(AllocationManager allocations) {
        this.allocations = allocations;
    }

    void handle(RequestContext ctx) {
        Allocation a = Allocations.require(ctx);
        // RFC 6062 section 6.2 (a TCP allocation has no channels): 400.
        if (a.isTcp()) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "no channels on a TCP allocation");
        }
        // "The server checks the following:
        //  - The request contains both a CHANNEL-NUMBER and an XOR-PEER-ADDRESS attribute;
        int number = ChannelNumber.from(ctx.request())
                .orElseThrow(() -> new TurnException(ErrorCode.BAD_REQUEST, "CHANNEL-NUMBER missing")).number();
        InetSocketAddress peer = XorPeerAddress.from(ctx.request())
                .orElseThrow(() -> new TurnException(ErrorCode.BAD_REQUEST, "XOR-PEER-ADDRESS missing")).address();
        //  - The channel number is in the range 0x4000 through 0x4FFF (inclusive);
        boolean valid = ctx.settings().config().strictChannelNumbers()
                ? ChannelData.isStrictChannelNumber(number) : ChannelData.isChannelNumber(number);
        if (!valid) {
            throw new TurnException(ErrorCode.BAD_REQUEST, String.format("channel number 0x%04x out of range", number));
        }
        // "The server MAY impose restrictions on the IP address and port values allowed in the
        // XOR-PEER-ADDRESS attribute; if a value is not allowed, the server rejects the request
        // with a 403" (and 443 for the other family, as CreatePermission).
        boolean relayOnly = Allocations.checkPeer(ctx, allocations, a, peer);
        //  - The channel number is not currently bound to a different transport address (same
        //    transport address is OK);
        ChannelBinding byNumber = a.channel(number);
        if (byNumber != null && !byNumber.peer().equals(peer)) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "channel bound to another peer");
        }
        //  - The transport address is not currently bound to a different channel number.
        //  If any of these tests fail, the server replies with a 400 (Bad Request) error."
        ChannelBinding byPeer = a.channelFor(peer);
        if (byPeer != null && byPeer.number() != number) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "peer bound to another channel");
        }
        // "... the server creates or refreshes the channel binding ... The server also installs or
        // refreshes a permission for the IP address in the XOR-PEER-ADDRESS attribute".
        long now = ctx.now();
        a.bind(number, peer, now + ServerConfig.CHANNEL_LIFETIME * 1000);
        a.permit(peer.getAddress(), now, now + ServerConfig.PERMISSION_LIFETIME * 1000, relayOnly);
        ctx.respond(ctx.request().successResponse().build());
    }
}
