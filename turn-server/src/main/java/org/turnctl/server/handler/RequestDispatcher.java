package org.turnctl.server.handler;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.auth.Credential;
import org.turnctl.server.auth.NonceService;
import org.turnctl.server.config.Settings;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.limit.TokenBuckets;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.relay.RelaySockets;
import org.turnctl.server.tcprelay.TcpRelays;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AlternateDomain;
import org.turnctl.stun.attr.AlternateServer;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.MessageIntegrity;
import org.turnctl.stun.attr.MessageIntegritySha256;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.PasswordAlgorithm;
import org.turnctl.stun.attr.PasswordAlgorithms;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.UnknownAttributes;
import org.turnctl.stun.attr.Userhash;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.NonceCookie;

/**
 * Every STUN request goes through here, in the order RFC 8489 gives: retransmission check,
 * authentication (400 malformed, 401 challenge, 438 stale nonce), unknown comprehension-required
 * attributes (420, integrity-protected), then the method's handler. A {@link TurnException}
 * anywhere becomes an error response here, and only here.
 */
public final class RequestDispatcher {
    /** The handler of one TURN method. */
    @FunctionalInterface
    interface MethodHandler {
        void handle(RequestContext ctx);
    }

    private final AtomicReference<Settings> settings;
    private final NonceService nonces;
    private final TurnMetrics metrics;
    private final TimeSource clock;
    private final Map<Method, MethodHandler> turnMethods;
    private final Map<EventLoop, TransactionCache> transactions = new ConcurrentHashMap<>();
    private final Map<EventLoop, AuthFailures> authFailures = new ConcurrentHashMap<>();

    /** Failed authentications by source IP and by user name, one table pair per event loop (no shared lock). */
    private static final class AuthFailures {
        static final int MAX_KEYS = 16_384;
        final TokenBuckets<InetAddress> byIp = new TokenBuckets<>(MAX_KEYS);
        final TokenBuckets<String> byUser = new TokenBuckets<>(MAX_KEYS);
    }

    /** A request from a source or for a user past --auth-failure-rate: dropped without an answer. */
    private static final class Throttled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Throttled() {
            super(null, null, false, false);
        }
    }

    /** Without a real TCP relay transport (handler tests and the fuzz target: NIO classes, never bound there). */
    public RequestDispatcher(AtomicReference<Settings> settings, NonceService nonces, AllocationManager allocations,
            RelaySockets relaySockets, TimeSource clock) {
        this(settings, nonces, allocations, relaySockets, new TcpRelays(io.netty.channel.socket.nio.NioServerSocketChannel.class,
                io.netty.channel.socket.nio.NioSocketChannel.class, false, allocations.metrics(), clock), clock);
    }

    public RequestDispatcher(AtomicReference<Settings> settings, NonceService nonces, AllocationManager allocations,
            RelaySockets relaySockets, TcpRelays tcpRelays, TimeSource clock) {
        this.settings = settings;
        this.nonces = nonces;
        this.metrics = allocations.metrics();
        this.clock = clock;
        this.turnMethods = Map.of(
                Method.ALLOCATE, new AllocateHandler(allocations, relaySockets, tcpRelays)::handle,
                Method.REFRESH, new RefreshHandler()::handle,
                Method.CREATE_PERMISSION, new CreatePermissionHandler(allocations)::handle,
                Method.CHANNEL_BIND, new ChannelBindHandler(allocations)::handle,
                Method.CONNECT, new ConnectHandler(allocations, tcpRelays)::handle,
                Method.CONNECTION_BIND, new ConnectionBindHandler(tcpRelays)::handle);
    }

    /** Handles one decoded message from a client on the calling event loop. */
    public void handle(StunMessage req, FiveTuple fiveTuple, ClientSink sink, AllocationSlot slot, EventLoop loop) {
        if (req.messageClass() != MessageClass.REQUEST) {
            return; // indications other than Send (the data path's), and responses, are not for a server
        }
        RequestContext ctx = new RequestContext(settings.get(), loop, req, fiveTuple, sink, slot, clock.nowMillis(),
                transactions(loop), metrics);
        try {
            if (req.method().equals(Method.BINDING)) {
                rejectUnknownAttributes(req);
                BindingHandler.handle(ctx, metrics);
                return;
            }
            MethodHandler handler = turnMethods.get(req.method());
            if (handler == null) {
                throw new TurnException(ErrorCode.BAD_REQUEST, "unknown method " + req.method());
            }
            byte[] cached = ctx.transactions().get(fiveTuple.client(), req.transactionId(), ctx.now());
            if (cached != null) {
                sink.send(sink.alloc().buffer(cached.length).writeBytes(cached));
                return;
            }
            authenticate(ctx);
            rejectUnknownAttributes(req);
            handler.handle(ctx);
        } catch (Throttled t) {
            metrics.dropped(DropReason.RATE_LIMIT);
        } catch (TurnException e) {
            fail(ctx, e);
        }
    }

    private TransactionCache transactions(EventLoop loop) {
        return transactions.computeIfAbsent(loop, l -> new TransactionCache());
    }

    /** Forgets cached responses older than a client retransmits; call on {@code loop}. */
    public void sweep(EventLoop loop, long now) {
        transactions(loop).sweep(now);
    }

    /** RFC 8489 section 9.2.4, long-term credentials, as the server. */
    private void authenticate(RequestContext ctx) {
        StunMessage req = ctx.request();
        boolean hasSha1 = req.has(MessageIntegrity.TYPE);
        boolean hasSha256 = req.has(MessageIntegritySha256.TYPE);
        // "If the message does not contain a MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256
        // attribute, the server MUST generate an error response with an error code of 401."
        if (!hasSha1 && !hasSha256) {
            throw new Challenge(ErrorCode.UNAUTHENTICATED);
        }
        // "If the message contains a MESSAGE-INTEGRITY or a MESSAGE-INTEGRITY-SHA256 attribute,
        // but is missing either the USERNAME or USERHASH, REALM, or NONCE attribute, the server
        // MUST generate an error response with an error code of 400."
        String username = Username.from(req).map(Username::value).orElse(null);
        byte[] userhash = username != null ? null : Userhash.from(req).map(u -> u.value().toByteArray()).orElse(null);
        String realm = Realm.from(req).map(Realm::value).orElse(null);
        String nonce = Nonce.from(req).map(Nonce::value).orElse(null);
        if ((username == null && userhash == null) || realm == null || nonce == null) {
            metrics.authFailure("bad_request");
            throw new TurnException(ErrorCode.BAD_REQUEST, "integrity without USERNAME or USERHASH, REALM and NONCE");
        }
        int algorithm = passwordAlgorithm(req, nonce, ctx.settings());
        // Password guessing: a source IP or a user name past its failures a second gets no answer
        // (and costs no HMAC) until its bucket refills.
        String who = username != null ? username : java.util.HexFormat.of().formatHex(userhash);
        int rate = ctx.settings().config().authFailureRate();
        InetAddress source = ctx.fiveTuple().client().getAddress();
        AuthFailures failures = rate > 0 ? authFailures.computeIfAbsent(ctx.eventLoop(), l -> new AuthFailures()) : null;
        if (failures != null && ((!source.isLoopbackAddress() && !failures.byIp.hasToken(source, rate, 2.0 * rate, ctx.now()))
                || !failures.byUser.hasToken(who, rate, 2.0 * rate, ctx.now()))) {
            throw new Throttled();
        }
        // "If the NONCE is no longer valid, the server MUST generate an error response with an
        // error code of 438." (Checked before the user: a stale nonce costs no key derivation.)
        if (nonces.check(nonce, source, ctx.now(), ctx.settings().securityFeatures()) != NonceService.Verdict.VALID) {
            metrics.authFailure("stale_nonce");
            throw new Challenge(ErrorCode.STALE_NONCE);
        }
        // "If the value of the USERNAME or USERHASH attribute is not valid, the server MUST
        // generate an error response with an error code of 401." USERHASH only when username
        // anonymity is on (--userhash): otherwise no user is found by it.
        Credential credential = username != null
                ? ctx.settings().authenticator().lookup(username, ctx.settings().realm(), ctx.now())
                : ctx.settings().config().userhash()
                        ? ctx.settings().authenticator().lookupByUserhash(userhash, ctx.settings().realm(), ctx.now()) : null;
        if (credential == null) {
            metrics.authFailure("unknown_user");
            failed(failures, source, who, rate, ctx.now());
            throw new Challenge(ErrorCode.UNAUTHENTICATED);
        }
        // "Using the password associated with the username ..., compute the value for the message
        // integrity" with the key of the PASSWORD-ALGORITHM in use (section 9.2.2); "If the
        // resulting value does not match ... 401." Integrity.verify compares in constant time.
        for (byte[] key : credential.keys(algorithm)) {
            boolean ok = hasSha256 ? Integrity.verifySha256(req, key) : Integrity.verify(req, key);
            if (ok) {
                ctx.authenticated(credential, key, hasSha1, hasSha256);
                return;
            }
        }
        metrics.authFailure("bad_integrity");
        failed(failures, source, who, rate, ctx.now());
        throw new Challenge(ErrorCode.UNAUTHENTICATED);
    }

    /**
     * RFC 8489 section 9.2.4, the bid-down defence: "If the request contains neither the
     * PASSWORD-ALGORITHMS nor the PASSWORD-ALGORITHM algorithm, then the request is processed as
     * though PASSWORD-ALGORITHM were MD5. Otherwise, unless (1) PASSWORD-ALGORITHM and
     * PASSWORD-ALGORITHMS are both present, (2) PASSWORD-ALGORITHMS matches the value sent in the
     * response that sent this NONCE, and (3) PASSWORD-ALGORITHM matches one of the entries in
     * PASSWORD-ALGORITHMS, the server MUST generate an error response with an error code of 400."
     * The checks apply to nonces with the cookie's password-algorithms bit, which are all this
     * server issues; another nonce fails its MAC later (438).
     */
    private int passwordAlgorithm(StunMessage req, String nonce, Settings settings) {
        PasswordAlgorithm one = PasswordAlgorithm.from(req).orElse(null);
        PasswordAlgorithms offered = PasswordAlgorithms.from(req).orElse(null);
        int features = NonceCookie.features(nonce);
        if ((one == null && offered == null) || features < 0 || (features & NonceCookie.PASSWORD_ALGORITHMS) == 0) {
            return PasswordAlgorithm.MD5;
        }
        if (one == null || offered == null) {
            throw badAlgorithm("PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS must come together"); // (1)
        }
        if (!offered.algorithms().stream().map(PasswordAlgorithm::algorithm).toList().equals(settings.passwordAlgorithms())) {
            throw badAlgorithm("PASSWORD-ALGORITHMS is not the list this server sent"); // (2): a bid-down
        }
        if (offered.algorithms().stream().noneMatch(a -> a.algorithm() == one.algorithm())) {
            throw badAlgorithm("PASSWORD-ALGORITHM is not one of PASSWORD-ALGORITHMS"); // (3)
        }
        return one.algorithm();
    }

    private TurnException badAlgorithm(String why) {
        metrics.authFailure("bad_request");
        return new TurnException(ErrorCode.BAD_REQUEST, why);
    }

    /** Counts one failed authentication against the source IP (loopback aside) and the user name. */
    private static void failed(AuthFailures failures, InetAddress source, String who, int rate, long now) {
        if (failures == null) {
            return;
        }
        if (!source.isLoopbackAddress()) {
            failures.byIp.take(source, rate, 2.0 * rate, now);
        }
        failures.byUser.take(who, rate, 2.0 * rate, now);
    }

    private static void rejectUnknownAttributes(StunMessage req) {
        List<Integer> unknown = req.unknownComprehensionRequired();
        if (!unknown.isEmpty()) {
            throw new UnknownAttributesException(unknown);
        }
    }

    private void fail(RequestContext ctx, TurnException e) {
        StunMessage req = ctx.request();
        boolean plainChallenge = e.code() == ErrorCode.UNAUTHENTICATED && !req.has(MessageIntegrity.TYPE) && !req.has(MessageIntegritySha256.TYPE);
        if (req.method().equals(Method.ALLOCATE) && !plainChallenge) {
            // The first 401 of every client is the challenge, not a failure: counting it would put
            // the ok/all ratio near 50% on a healthy server.
            metrics.allocateResult(String.valueOf(e.code()));
        }
        StunMessage.Builder b = req.errorResponse().add(new ErrorCode(e.code(), ""));
        if (e instanceof Challenge) {
            // RFC 8489 section 9.2.4: REALM, a NONCE with the cookie of this server's security
            // features, and (the password-algorithms bit being set) PASSWORD-ALGORITHMS.
            Settings settings = ctx.settings();
            b.add(new Realm(settings.realm()));
            b.add(new Nonce(nonces.issue(ctx.fiveTuple().client().getAddress(), ctx.now(), settings.securityFeatures())));
            b.add(new PasswordAlgorithms(settings.passwordAlgorithms().stream().map(PasswordAlgorithm::of).toList()));
        } else if (e instanceof UnknownAttributesException u) {
            b.add(new UnknownAttributes(u.types));
        } else if (e instanceof TryAlternate t) {
            b.add(new AlternateServer(t.server));
            if (t.domain != null) {
                b.add(new AlternateDomain(t.domain));
            }
        }
        ctx.respond(b.build());
    }

    /** 401 or 438: answered with REALM and a fresh NONCE, never integrity-protected. */
    static final class Challenge extends TurnException {
        private static final long serialVersionUID = 1L;

        Challenge(int code) {
            super(code, defaultReason(code));
        }
    }

    /**
     * 300 Try Alternate (RFC 8489 section 10) with ALTERNATE-SERVER, and ALTERNATE-DOMAIN for a
     * TLS client (its certificate check needs the name). Integrity-protected like any answer to
     * an authenticated request, so a client can trust where it is sent.
     */
    static final class TryAlternate extends TurnException {
        private static final long serialVersionUID = 1L;
        final transient java.net.InetSocketAddress server;
        final String domain;

        TryAlternate(java.net.InetSocketAddress server, String domain) {
            super(ErrorCode.TRY_ALTERNATE, "try an alternate server");
            this.server = server;
            this.domain = domain;
        }
    }

    /** 420 with UNKNOWN-ATTRIBUTES listing the types (RFC 8489 section 6.3.1). */
    static final class UnknownAttributesException extends TurnException {
        private static final long serialVersionUID = 1L;
        final transient List<Integer> types;

        UnknownAttributesException(List<Integer> types) {
            super(ErrorCode.UNKNOWN_ATTRIBUTE, "unknown comprehension-required attributes");
            this.types = types;
        }
    }
}
