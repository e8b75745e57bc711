package org.turnctl.server.handler;

import java.net.InetSocketAddress;
import org.turnctl.server.ServerConfig;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ChannelBinding;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.XorPeerAddress;

/**
 * ChannelBind (RFC 8656 section 11.2). Channel numbers 0x4000-0x7FFF by default (RFC 5766's
 * range, still used by coturn's client), 0x4000-0x4FFF with --strict-channel-numbers. A bind
 * or refresh also installs or refreshes the peer's permission.
 */
final class ChannelBindHandler {

    void handle(RequestContext ctx) {
        Allocation a = Allocations.require(ctx);
        int number = ChannelNumber.from(ctx.request())
                .orElseThrow(() -> new TurnException(400, "CHANNEL-NUMBER missing")).number();
        InetSocketAddress peer = XorPeerAddress.from(ctx.request())
                .orElseThrow(() -> new TurnException(400, "XOR-PEER-ADDRESS missing")).address();
        boolean valid = ctx.server().config().strictChannelNumbers()
                ? ChannelData.isStrictChannelNumber(number) : ChannelData.isChannelNumber(number);
        if (!valid) {
            throw new TurnException(400, String.format("channel number 0x%04x out of range", number));
        }
        boolean relayOnly = Allocations.checkPeer(ctx, a, peer);
        ChannelBinding byNumber = a.channel(number);
        if (byNumber != null && !byNumber.peer().equals(peer)) {
            throw new TurnException(400, "channel bound to another peer");
        }
        ChannelBinding byPeer = a.channelFor(peer);
        if (byPeer != null && byPeer.number() != number) {
            throw new TurnException(400, "peer bound to another channel");
        }
        long now = ctx.now();
        a.bind(number, peer, now + ServerConfig.CHANNEL_LIFETIME * 1000);
        a.permit(peer.getAddress(), now, now + ServerConfig.PERMISSION_LIFETIME * 1000, relayOnly);
        ctx.respond(ctx.request().successResponse().build());
    }
}
