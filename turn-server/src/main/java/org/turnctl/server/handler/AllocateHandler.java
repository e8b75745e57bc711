package org.turnctl.server.handler;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.turnctl.server.ServerConfig;
import org.turnctl.server.ServerContext;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.relay.PeerHandler;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.DontFragment;
import org.turnctl.stun.attr.EvenPort;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedAddressFamily;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.ReservationToken;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.attr.XorRelayedAddress;

/**
 * Allocate (RFC 8656 section 7.2). The relay socket is bound on the event loop of the listener
 * that received the request, so the allocation is only ever touched by that thread.
 */
final class AllocateHandler {
    /** Tries when a randomly chosen port turns out to be taken by another process. */
    private static final int BIND_ATTEMPTS = 8;

    void handle(RequestContext ctx) {
        if (ctx.slot().get() != null) {
            // A retransmission would have been answered from the transaction cache.
            throw new TurnException(437, "allocation exists for this 5-tuple");
        }
        if (!ctx.loop().startAllocating(ctx.fiveTuple())) {
            // An Allocate from this 5-tuple is still binding its relay socket: this is its
            // retransmission (answered by the first copy's response) or a second Allocate,
            // which loses either way. Drop it; the client retransmits if it must.
            return;
        }
        try {
            allocate(ctx);
        } catch (TurnException e) {
            ctx.loop().doneAllocating(ctx.fiveTuple());
            throw e;
        }
    }

    private void allocate(RequestContext ctx) {
        StunMessage req = ctx.request();
        ServerContext server = ctx.server();
        RequestedTransport transport = RequestedTransport.from(req)
                .orElseThrow(() -> new TurnException(400, "REQUESTED-TRANSPORT missing"));
        if (transport.protocol() != RequestedTransport.UDP) {
            throw new TurnException(442, "only UDP relaying");
        }
        if (DontFragment.from(req).isPresent()) {
            // JDK 17 cannot set DF per socket; RFC 8656 section 7.2 allows refusing with 420.
            throw new RequestDispatcher.UnknownAttributesException(java.util.List.of(DontFragment.TYPE));
        }
        ReservationToken token = ReservationToken.from(req).orElse(null);
        EvenPort evenPort = EvenPort.from(req).orElse(null);
        RequestedAddressFamily family = RequestedAddressFamily.from(req).orElse(null);
        if (token != null && (evenPort != null || family != null)) {
            throw new TurnException(400, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
        }
        boolean ipv6 = false;
        if (family != null) {
            if (!AddressFamily.isValid(family.family())) {
                throw new TurnException(440, "unknown address family");
            }
            ipv6 = family.family() == AddressFamily.IPV6;
        }
        InetAddress relayIp = token != null ? relayIpForReservedPort(server) : server.relayIp(ipv6);
        if (relayIp == null) {
            throw new TurnException(440, "no relay address of that family");
        }
        String quotaUser = ctx.credential().quotaUser();
        if (!server.quotas().tryAcquire(quotaUser)) {
            throw new TurnException(486, "quota");
        }
        long now = ctx.now();
        int port;
        long newToken = 0;
        if (token != null) {
            port = server.ports().redeem(token.token(), now);
        } else if (evenPort != null) {
            port = server.ports().acquireEven(evenPort.reserveNext());
            if (port >= 0 && evenPort.reserveNext()) {
                newToken = reserveNext(server, relayIp, port, now);
            }
        } else {
            port = server.ports().acquire();
        }
        if (port < 0) {
            server.quotas().release(quotaUser);
            throw new TurnException(508, token != null ? "unknown or expired reservation token" : "no free relay port");
        }
        long lifetime = lifetime(req, server.config());
        // A random relay port can be taken by another process (the relay range overlaps Linux's
        // ephemeral ports): try others, keeping EVEN-PORT's promise; a redeemed token has no
        // alternative.
        bind(ctx, relayIp, port, newToken, evenPort, lifetime, token == null ? BIND_ATTEMPTS : 1, new java.util.ArrayList<>());
    }

    /** Reserved ports are odd neighbours of IPv4 or IPv6 allocations; the token does not say which, so IPv4 first. */
    private static InetAddress relayIpForReservedPort(ServerContext server) {
        InetAddress v4 = server.relayIp(false);
        return v4 != null ? v4 : server.relayIp(true);
    }

    /**
     * Reserves port + 1 under a new token, holding it bound with a placeholder socket until it is
     * redeemed: the relay range overlaps the ephemeral ports, and an unheld port can be taken by
     * any process during the 30 s. If it cannot be held, the token is still issued; the redeeming
     * Allocate then gets a 508 if the port is really gone.
     */
    private static long reserveNext(ServerContext server, InetAddress relayIp, int port, long now) {
        java.net.DatagramSocket hold = null;
        try {
            hold = new java.net.DatagramSocket(null);
            hold.bind(new InetSocketAddress(relayIp, port + 1));
        } catch (java.io.IOException e) {
            if (hold != null) {
                hold.close();
            }
            hold = null;
        }
        return server.ports().reserve(port + 1, now, hold);
    }

    /** RFC 8656 section 7.2: at least the default, at most the maximum. */
    static long lifetime(StunMessage req, ServerConfig config) {
        long requested = Lifetime.from(req).map(Lifetime::seconds).orElse(ServerConfig.DEFAULT_LIFETIME);
        return Math.min(Math.max(requested, ServerConfig.DEFAULT_LIFETIME), config.maxLifetimeSeconds());
    }

    /**
     * Binds the relay socket; on failure tries another port. Ports that failed stay taken in the
     * pool until this Allocate is over ({@code failed}), so a retry cannot pick them again.
     */
    private void bind(RequestContext ctx, InetAddress relayIp, int port, long newToken, EvenPort evenPort, long lifetime,
            int attemptsLeft, java.util.List<Integer> failed) {
        ServerContext server = ctx.server();
        PortPool ports = server.ports();
        PeerHandler peerHandler = new PeerHandler(server);
        ChannelFuture f = new Bootstrap()
                .group(ctx.eventLoop())
                .channel(server.datagramChannelClass())
                .handler(peerHandler)
                .bind(new InetSocketAddress(relayIp, port));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed.add(port);
                if (newToken != 0) {
                    ports.release(ports.redeem(newToken, ctx.now()));
                }
                if (attemptsLeft > 1) {
                    boolean reserve = evenPort != null && evenPort.reserveNext();
                    int next = evenPort != null ? ports.acquireEven(reserve) : ports.acquire();
                    if (next >= 0) {
                        long token = reserve ? reserveNext(server, relayIp, next, ctx.now()) : 0;
                        bind(ctx, relayIp, next, token, evenPort, lifetime, attemptsLeft - 1, failed);
                        return;
                    }
                }
                failed.forEach(ports::release);
                server.quotas().release(ctx.credential().quotaUser());
                ctx.loop().doneAllocating(ctx.fiveTuple());
                respondError(ctx, 508);
                return;
            }
            failed.forEach(ports::release);
            Channel relay = f.channel();
            InetSocketAddress relayAddress = (InetSocketAddress) relay.localAddress();
            InetSocketAddress advertised = server.advertised(relayAddress);
            long now = ctx.now();
            String quotaUser = ctx.credential().quotaUser();
            Allocation[] self = new Allocation[1];
            Allocation a = new Allocation(ctx.fiveTuple(), ctx.credential().username(), quotaUser, ctx.key(),
                    ctx.sink(), relay, relayAddress, advertised, now + lifetime * 1000, server.metrics(), reason -> {
                        server.metrics().allocationActive(ctx.fiveTuple().transport().lower(), family(relayAddress), -1);
                        ports.release(port);
                        server.quotas().release(quotaUser);
                        ctx.slot().clear(self[0]);
                        ctx.loop().remove(self[0]);
                        server.logDeleted(self[0], reason);
                    });
            self[0] = a;
            peerHandler.attach(a);
            ctx.slot().set(a);
            ctx.loop().add(a);
            StunMessage.Builder b = ctx.request().successResponse()
                    .add(new XorRelayedAddress(advertised))
                    .add(new XorMappedAddress(ctx.fiveTuple().client()))
                    .add(new Lifetime(lifetime));
            if (newToken != 0) {
                b.add(new ReservationToken(newToken));
            }
            server.logCreated(a, lifetime);
            server.metrics().allocationActive(ctx.fiveTuple().transport().lower(), family(relayAddress), 1);
            server.metrics().allocateResult("ok");
            ctx.loop().doneAllocating(ctx.fiveTuple());
            ctx.respond(b.build());
        });
    }

    static String family(InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet4Address ? "ipv4" : "ipv6";
    }

    private static void respondError(RequestContext ctx, int code) {
        ctx.server().metrics().allocateResult(String.valueOf(code));
        ctx.respond(ctx.request().errorResponse().add(new org.turnctl.stun.attr.ErrorCode(code, "")).build());
    }
}
