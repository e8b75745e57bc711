package org.turnctl.server.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.LoopAllocations;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Shedding;
import org.turnctl.server.relay.RelaySockets;
import org.turnctl.server.tcprelay.TcpRelays;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AdditionalAddressFamily;
import org.turnctl.stun.attr.AddressErrorCode;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.DontFragment;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.EvenPort;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedAddressFamily;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.ReservationToken;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.attr.XorRelayedAddress;

/**
 * Allocate (RFC 8656 section 7.2, "Receiving an Allocate Request"). The numbered checks of that
 * section are quoted where they are made; step 1 (authentication) is the dispatcher's. The relay
 * socket is bound on the event loop of the listener that received the request, so the allocation
 * is only ever touched by that thread.
 */
final class AllocateHandler {
    /** Tries when a randomly chosen port turns out to be taken by another process. */
    private static final int BIND_ATTEMPTS = 8;

    private final AllocationManager allocations;
    private final RelaySockets relaySockets;
    private final TcpRelays tcpRelays;
    /** Shared by every event loop's Allocates: the round robin over the alternates. */
    private final java.util.concurrent.atomic.AtomicInteger nextAlternate = new java.util.concurrent.atomic.AtomicInteger();

    AllocateHandler(AllocationManager allocations, RelaySockets relaySockets, TcpRelays tcpRelays) {
        this.tcpRelays = tcpRelays;
        this.allocations = allocations;
        this.relaySockets = relaySockets;
    }

    void handle(RequestContext ctx) {
        // 2. "The server checks if the 5-tuple is currently in use by an existing allocation. If
        // yes, the server rejects the request with a 437 (Allocation Mismatch) error."
        // (A retransmission would have been answered from the transaction cache.)
        if (ctx.slot().get() != null) {
            throw new TurnException(ErrorCode.ALLOCATION_MISMATCH, "allocation exists for this 5-tuple");
        }
        LoopAllocations loop = allocations.loop(ctx.eventLoop());
        if (!loop.startAllocating(ctx.fiveTuple())) {
            // An Allocate from this 5-tuple is still binding its relay socket: this is its
            // retransmission (answered by the first copy's response) or a second Allocate,
            // which loses either way. Drop it; the client retransmits if it must.
            return;
        }
        try {
            allocate(ctx);
        } catch (TurnException e) {
            loop.doneAllocating(ctx.fiveTuple());
            throw e;
        }
    }

    private void allocate(RequestContext ctx) {
        StunMessage req = ctx.request();
        // 3. "If the REQUESTED-TRANSPORT attribute is not included or is malformed, the server
        // rejects the request with a 400 ... if the attribute ... specifies a protocol that is not
        // supported by the server, the server rejects the request with a 442."
        RequestedTransport transport = RequestedTransport.from(req)
                .orElseThrow(() -> new TurnException(ErrorCode.BAD_REQUEST, "REQUESTED-TRANSPORT missing"));
        boolean tcp = transport.protocol() == RequestedTransport.TCP;
        if (transport.protocol() != RequestedTransport.UDP && !tcp) {
            throw new TurnException(ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, "UDP or TCP relaying only");
        }
        // RFC 6062 section 5.1: a TCP allocation is made over a TCP or TLS control connection, and
        // "If the request contains ... EVEN-PORT, or RESERVATION-TOKEN ... 400"; a dual one is not defined.
        if (tcp && (!ctx.sink().isStream() || EvenPort.from(req).isPresent() || ReservationToken.from(req).isPresent()
                || AdditionalAddressFamily.from(req).isPresent())) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "a TCP allocation needs a TCP or TLS connection, "
                    + "and takes no EVEN-PORT, RESERVATION-TOKEN or ADDITIONAL-ADDRESS-FAMILY");
        }
        // 4. "If [DONT-FRAGMENT is present] but the server does not support sending UDP datagrams
        // with the DF bit set to 1 ... the server treats the DONT-FRAGMENT attribute ... as an
        // unknown comprehension-required attribute." JDK 17 cannot set DF per socket.
        if (DontFragment.from(req).isPresent()) {
            throw new RequestDispatcher.UnknownAttributesException(List.of(DontFragment.TYPE));
        }
        // 5. "If [RESERVATION-TOKEN is present] and the request also contains an EVEN-PORT or
        // REQUESTED-ADDRESS-FAMILY ... 400." The token itself is checked when the port is taken.
        ReservationToken token = ReservationToken.from(req).orElse(null);
        EvenPort evenPort = EvenPort.from(req).orElse(null);
        RequestedAddressFamily family = RequestedAddressFamily.from(req).orElse(null);
        if (token != null && (evenPort != null || family != null)) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
        }
        AdditionalAddressFamily additionalFamily = AdditionalAddressFamily.from(req).orElse(null);
        // 6. "The server checks if the request contains both REQUESTED-ADDRESS-FAMILY and
        // ADDITIONAL-ADDRESS-FAMILY attributes. If yes, then the server rejects the request with a
        // 400 (Bad Request) error." A token names one port of one family: with a dual request, 400 too.
        if (additionalFamily != null && (family != null || token != null)) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "ADDITIONAL-ADDRESS-FAMILY with REQUESTED-ADDRESS-FAMILY or RESERVATION-TOKEN");
        }
        // ADDITIONAL-ADDRESS-FAMILY asks for IPv6 beside the default IPv4; "the attribute value of
        // 0x02 (IPv6 address) is the only valid value in Allocate request".
        if (additionalFamily != null && additionalFamily.family() != AddressFamily.IPV6) {
            throw new TurnException(ErrorCode.BAD_REQUEST, "ADDITIONAL-ADDRESS-FAMILY must be IPv6");
        }
        // 7. "If the server does not support the address family requested ... 440. If the
        // REQUESTED-ADDRESS-FAMILY attribute is absent and the server does not support the IPv4
        // address family, ... 440."
        boolean ipv6 = false;
        if (family != null) {
            if (!AddressFamily.isValid(family.family())) {
                throw new TurnException(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, "unknown address family");
            }
            ipv6 = family.family() == AddressFamily.IPV6;
        } else if (token == null && additionalFamily == null && allocations.relayAddresses().ip(false) == null
                && !ctx.settings().config().strictAddressFamily()) {
            // Browsers never send REQUESTED-ADDRESS-FAMILY. On a server with only an IPv6 relay
            // address the RFC's IPv4 default would refuse every one of them (440); the family the
            // server has serves them (as pion/turn does since its issue #566). --strict-address-family
            // keeps the RFC's answer.
            ipv6 = true;
        }
        InetAddress relayIp = token != null ? relayIpForReservedPort() : allocations.relayAddresses().ip(ipv6);
        // 8. "If the server does not support the address family requested by the client in
        // ADDITIONAL-ADDRESS-FAMILY ... the server MUST NOT fail the Allocate request": it
        // allocates the family it has, with ADDRESS-ERROR-CODE 440 for the one it has not.
        Dual dual = Dual.NONE;
        if (additionalFamily != null) {
            InetAddress v6 = allocations.relayAddresses().ip(true);
            if (relayIp != null && v6 != null) {
                dual = new Dual(v6, null);
            } else if (relayIp != null) {
                dual = new Dual(null, new AddressErrorCode(AddressFamily.IPV6, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, ""));
            } else if (v6 != null) {
                relayIp = v6;
                dual = new Dual(null, new AddressErrorCode(AddressFamily.IPV4, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, ""));
            }
        }
        if (relayIp == null) {
            throw new TurnException(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, "no relay address of that family");
        }
        ServerConfig config = ctx.settings().config();
        // Draining, or past --max-allocations: the client is sent on (RFC 8489 section 10, 300
        // Try Alternate with ALTERNATE-SERVER), or told 508 when there is nowhere to send it.
        Shedding shedding = config.shedding();
        if (allocations.draining() || (shedding.maxAllocations() > 0 && allocations.count() >= shedding.maxAllocations())) {
            Shedding.Alternate alt = alternate(shedding, ctx.fiveTuple().client().getAddress());
            if (alt == null) {
                throw new TurnException(ErrorCode.INSUFFICIENT_CAPACITY, allocations.draining() ? "draining" : "full");
            }
            boolean tls = ctx.fiveTuple().transport() == Transport.TLS || ctx.fiveTuple().transport() == Transport.DTLS;
            throw new RequestDispatcher.TryAlternate(alt.address(), tls && alt.named() ? alt.host() : null);
        }
        // 10. "At any point, the server MAY choose to reject the request with a 486 (Allocation
        // Quota Reached) error ... it SHOULD define it based on the username".
        String quotaUser = ctx.credential().quotaUser();
        // --bps-capacity: while the server relays more than its capacity, it takes no new ones.
        if (config.limits().bpsCapacity() > 0 && allocations.relayedBytesPerSecond() > config.limits().bpsCapacity()) {
            throw new TurnException(ErrorCode.ALLOCATION_QUOTA_REACHED, "bandwidth capacity");
        }
        InetAddress clientIp = ctx.fiveTuple().client().getAddress();
        if (!allocations.quotas().tryAcquire(quotaUser, clientIp, config.limits().maxAllocationsPerIp())) {
            throw new TurnException(ErrorCode.ALLOCATION_QUOTA_REACHED, "quota");
        }
        // 5 (the token) and 8 (EVEN-PORT): "If the server cannot satisfy the request, then the
        // server rejects the request with a 508 (Insufficient Capacity) error."
        PortPool ports = allocations.ports();
        long now = ctx.now();
        int port;
        long newToken = 0;
        List<Integer> failed = new ArrayList<>();
        if (token != null) {
            port = ports.redeem(token.token(), now);
        } else if (evenPort != null && evenPort.reserveNext()) {
            long[] reserved = acquireEvenReserved(relayIp, now, failed);
            port = (int) reserved[0];
            newToken = reserved[1];
        } else if (evenPort != null) {
            port = ports.acquireEven(false);
        } else {
            port = ports.acquire();
        }
        if (port < 0) {
            failed.forEach(ports::release);
            allocations.quotas().release(quotaUser, clientIp);
            throw new TurnException(ErrorCode.INSUFFICIENT_CAPACITY, token != null ? "unknown or expired reservation token" : "no free relay port");
        }
        long lifetime = lifetime(req, ctx.settings().config());
        // A random relay port can be taken by another process (the relay range overlaps Linux's
        // ephemeral ports): try others, keeping EVEN-PORT's promise; a redeemed token has no
        // alternative.
        bind(ctx, relayIp, port, newToken, evenPort, lifetime, token == null ? BIND_ATTEMPTS : 1, failed, dual, tcp);
    }

    /** Round robin over the alternates of the client's family, else over all of them; null when there are none. */
    private Shedding.Alternate alternate(Shedding shedding, InetAddress client) {
        List<Shedding.Alternate> all = shedding.alternates();
        if (all.isEmpty()) {
            return null;
        }
        List<Shedding.Alternate> same = all.stream()
                .filter(a -> a.address().getAddress().getAddress().length == client.getAddress().length).toList();
        List<Shedding.Alternate> pick = same.isEmpty() ? all : same;
        return pick.get(Math.floorMod(nextAlternate.getAndIncrement(), pick.size()));
    }

    /**
     * What a request with ADDITIONAL-ADDRESS-FAMILY gets beyond its first relay socket: a second
     * one on {@code second} (IPv6), or the ADDRESS-ERROR-CODE for the family it cannot have.
     */
    record Dual(InetAddress second, AddressErrorCode error) {
        static final Dual NONE = new Dual(null, null);
    }

    /**
     * An even port whose next port is held under a new reservation token, as {port, token}, or
     * {-1, 0}. The relay range overlaps the ephemeral ports, so another process (a client's own
     * sockets on the same host, say) can hold the odd neighbour: the token would then promise a
     * port the redeeming Allocate cannot bind, and fail it with 508. Such candidates are skipped,
     * both ports kept taken in {@code failed} until this Allocate is over.
     */
    private long[] acquireEvenReserved(InetAddress relayIp, long now, List<Integer> failed) {
        PortPool ports = allocations.ports();
        for (int i = 0; i < BIND_ATTEMPTS; i++) {
            int p = ports.acquireEven(true);
            if (p < 0) {
                break;
            }
            long token = reserveNext(relayIp, p, now);
            if (token != 0) {
                return new long[] {p, token};
            }
            failed.add(p);
            failed.add(p + 1);
        }
        return new long[] {-1, 0};
    }

    /** Reserved ports are odd neighbours of IPv4 or IPv6 allocations; the token does not say which, so IPv4 first. */
    private InetAddress relayIpForReservedPort() {
        InetAddress v4 = allocations.relayAddresses().ip(false);
        return v4 != null ? v4 : allocations.relayAddresses().ip(true);
    }

    /**
     * Reserves port + 1 under a new token, holding it bound with a placeholder socket until it is
     * redeemed: the relay range overlaps the ephemeral ports, and an unheld port can be taken by
     * any process during the 30 s section 7.2 requires. Returns 0 when it cannot be held (another
     * process has it); port + 1 then stays marked taken for the caller to release.
     */
    private long reserveNext(InetAddress relayIp, int port, long now) {
        DatagramSocket hold = null;
        try {
            hold = new DatagramSocket(null);
            hold.bind(new InetSocketAddress(relayIp, port + 1));
        } catch (IOException e) {
            if (hold != null) {
                hold.close();
            }
            return 0;
        }
        return allocations.ports().reserve(port + 1, now, hold);
    }

    /**
     * Section 7.2: "the minimum of the client's proposed lifetime and the server's maximum allowed
     * lifetime. If this computed value is greater than the default lifetime, then the server uses
     * the computed lifetime ... Otherwise, the server uses the default lifetime."
     */
    static long lifetime(StunMessage req, ServerConfig config) {
        long requested = Lifetime.from(req).map(Lifetime::seconds).orElse(ServerConfig.DEFAULT_LIFETIME);
        return Math.min(Math.max(requested, ServerConfig.DEFAULT_LIFETIME), config.maxLifetimeSeconds());
    }

    /**
     * Binds the relay socket; on failure tries another port. Ports that failed stay taken in the
     * pool until this Allocate is over ({@code failed}), so a retry cannot pick them again.
     */
    private void bind(RequestContext ctx, InetAddress relayIp, int port, long newToken, EvenPort evenPort, long lifetime,
            int attemptsLeft, List<Integer> failed, Dual dual, boolean tcp) {
        PortPool ports = allocations.ports();
        LoopAllocations loop = allocations.loop(ctx.eventLoop());
        InetSocketAddress at = new InetSocketAddress(relayIp, port);
        ChannelFuture f = tcp ? tcpRelays.listen(ctx.eventLoop(), at) : relaySockets.bind(ctx.eventLoop(), at);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed.add(port);
                if (newToken != 0) {
                    ports.release(ports.redeem(newToken, ctx.now()));
                }
                if (attemptsLeft > 1) {
                    boolean reserve = evenPort != null && evenPort.reserveNext();
                    long[] reserved = reserve ? acquireEvenReserved(relayIp, ctx.now(), failed) : null;
                    int next = reserve ? (int) reserved[0] : evenPort != null ? ports.acquireEven(false) : ports.acquire();
                    if (next >= 0) {
                        bind(ctx, relayIp, next, reserve ? reserved[1] : 0, evenPort, lifetime, attemptsLeft - 1, failed, dual, tcp);
                        return;
                    }
                }
                failed.forEach(ports::release);
                allocations.quotas().release(ctx.credential().quotaUser(), ctx.fiveTuple().client().getAddress());
                loop.doneAllocating(ctx.fiveTuple());
                respondError(ctx, ErrorCode.INSUFFICIENT_CAPACITY);
                return;
            }
            failed.forEach(ports::release);
            if (dual.second() != null) {
                bindAdditional(ctx, f.channel(), dual.second(), newToken, lifetime, BIND_ATTEMPTS);
            } else {
                created(ctx, f.channel(), null, dual.error(), newToken, lifetime);
            }
        });
    }

    /**
     * The IPv6 socket of a dual allocation, on the same loop. When it cannot be had, the allocation
     * goes ahead with IPv4 alone and says why in ADDRESS-ERROR-CODE (508): section 7.2 does not let
     * the family asked for in ADDITIONAL-ADDRESS-FAMILY fail the Allocate.
     */
    private void bindAdditional(RequestContext ctx, Channel first, InetAddress relayIp, long newToken, long lifetime,
            int attemptsLeft) {
        PortPool ports = allocations.ports();
        int port = ports.acquire();
        if (port < 0) {
            created(ctx, first, null, new AddressErrorCode(AddressFamily.IPV6, ErrorCode.INSUFFICIENT_CAPACITY, ""), newToken,
                    lifetime);
            return;
        }
        relaySockets.bind(ctx.eventLoop(), new InetSocketAddress(relayIp, port)).addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                created(ctx, first, done.channel(), null, newToken, lifetime);
                return;
            }
            // Another process holds that port (the relay range overlaps the ephemeral ports): another one.
            if (attemptsLeft > 1) {
                bindAdditional(ctx, first, relayIp, newToken, lifetime, attemptsLeft - 1);
                ports.release(port);
                return;
            }
            ports.release(port);
            created(ctx, first, null, new AddressErrorCode(AddressFamily.IPV6, ErrorCode.INSUFFICIENT_CAPACITY, ""),
                    newToken, lifetime);
        });
    }

    private void created(RequestContext ctx, Channel relay, Channel additional, AddressErrorCode addressError, long newToken,
            long lifetime) {
        LoopAllocations loop = allocations.loop(ctx.eventLoop());
        // "If all the checks pass, the server creates the allocation. The 5-tuple is set to
        // the 5-tuple from the Allocate request, while the list of permissions and the list of
        // channels are initially empty."
        Allocation a = allocations.create(new AllocationManager.Grant(ctx.fiveTuple(), ctx.credential().username(),
                ctx.credential().quotaUser(), ctx.key(), ctx.sink(), relay, ctx.now() + lifetime * 1000, lifetime, additional),
                ctx.eventLoop(), ctx.slot());
        if (a.isTcp()) {
            tcpRelays.attach(a);
        } else {
            RelaySockets.attach(a);
        }
        // "... the server sends a success response containing an XOR-RELAYED-ADDRESS ...,
        // a LIFETIME ..., a RESERVATION-TOKEN [when one was reserved], an XOR-MAPPED-ADDRESS
        // attribute containing the client's IP address and port (from the 5-tuple)." A dual
        // allocation has two XOR-RELAYED-ADDRESS, IPv4 first.
        StunMessage.Builder b = ctx.request().successResponse().add(new XorRelayedAddress(a.advertisedAddress()));
        if (a.additional() != null) {
            b.add(new XorRelayedAddress(a.additional().advertised()));
        }
        b.add(new XorMappedAddress(ctx.fiveTuple().client())).add(new Lifetime(lifetime));
        if (newToken != 0) {
            b.add(new ReservationToken(newToken));
        }
        if (addressError != null) {
            b.add(addressError);
        }
        allocations.metrics().allocateResult("ok");
        loop.doneAllocating(ctx.fiveTuple());
        ctx.respond(b.build());
    }

    private void respondError(RequestContext ctx, int code) {
        allocations.metrics().allocateResult(String.valueOf(code));
        ctx.respond(ctx.request().errorResponse().add(new ErrorCode(code, "")).build());
    }
}
