package org.turnctl.server.handler;

import java.util.List;
import org.turnctl.server.ServerContext;
import org.turnctl.server.auth.Credential;
import org.turnctl.server.auth.NonceService;
import org.turnctl.stun.Integrity;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AttributeType;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.UnknownAttributes;
import org.turnctl.stun.attr.Username;

/**
 * Every STUN request goes through here, in the order RFC 8489 gives: retransmission check,
 * authentication (400 malformed, 401 challenge, 438 stale nonce), unknown comprehension-required
 * attributes (420, integrity-protected), then the method's handler. A {@link TurnException}
 * anywhere becomes an error response here, and only here.
 */
public final class RequestDispatcher {
    private final ServerContext server;
    private final AllocateHandler allocate = new AllocateHandler();
    private final RefreshHandler refresh = new RefreshHandler();
    private final CreatePermissionHandler createPermission = new CreatePermissionHandler();
    private final ChannelBindHandler channelBind = new ChannelBindHandler();

    public RequestDispatcher(ServerContext server) {
        this.server = server;
    }

    public void handle(RequestContext ctx) {
        StunMessage req = ctx.request();
        if (req.messageClass() != MessageClass.REQUEST) {
            return; // indications other than Send, and responses, are not for a server
        }
        try {
            if (req.method().equals(Method.BINDING)) {
                rejectUnknownAttributes(req);
                BindingHandler.handle(ctx);
                return;
            }
            if (!isTurnMethod(req.method())) {
                throw new TurnException(400, "unknown method " + req.method());
            }
            byte[] cached = ctx.loop().transactions().get(ctx.fiveTuple().client(), req.transactionId(), ctx.now());
            if (cached != null) {
                ctx.sink().send(ctx.sink().alloc().buffer(cached.length).writeBytes(cached));
                return;
            }
            authenticate(ctx);
            rejectUnknownAttributes(req);
            switch (req.method().code()) {
                case 0x003 -> allocate.handle(ctx);
                case 0x004 -> refresh.handle(ctx);
                case 0x008 -> createPermission.handle(ctx);
                case 0x009 -> channelBind.handle(ctx);
                default -> throw new TurnException(400, "unsupported method " + req.method());
            }
        } catch (TurnException e) {
            fail(ctx, e);
        }
    }

    private static boolean isTurnMethod(Method m) {
        return m.equals(Method.ALLOCATE) || m.equals(Method.REFRESH) || m.equals(Method.CREATE_PERMISSION)
                || m.equals(Method.CHANNEL_BIND);
    }

    /** RFC 8489 section 9.2.4, long-term credentials, as the server. */
    private void authenticate(RequestContext ctx) {
        StunMessage req = ctx.request();
        boolean hasSha1 = req.has(AttributeType.MESSAGE_INTEGRITY);
        boolean hasSha256 = req.has(AttributeType.MESSAGE_INTEGRITY_SHA256);
        if (!hasSha1 && !hasSha256) {
            throw new Challenge(401);
        }
        String username = Username.from(req).map(Username::value).orElse(null);
        String realm = Realm.from(req).map(Realm::value).orElse(null);
        String nonce = Nonce.from(req).map(Nonce::value).orElse(null);
        if (username == null || realm == null || nonce == null) {
            server.metrics().authFailure("bad_request");
            throw new TurnException(400, "integrity without USERNAME, REALM and NONCE");
        }
        NonceService.Verdict verdict = server.nonces().check(nonce, ctx.fiveTuple().client().getAddress(), ctx.now());
        if (verdict != NonceService.Verdict.VALID) {
            server.metrics().authFailure("stale_nonce");
            throw new Challenge(438);
        }
        Credential credential = server.authenticator().lookup(username, server.config().realm(), ctx.now());
        if (credential == null) {
            server.metrics().authFailure("unknown_user");
            throw new Challenge(401);
        }
        for (byte[] key : credential.keys()) {
            boolean ok = hasSha256 ? Integrity.verifySha256(req, key) : Integrity.verify(req, key);
            if (ok) {
                ctx.authenticated(credential, key, hasSha1, hasSha256);
                return;
            }
        }
        server.metrics().authFailure("bad_integrity");
        throw new Challenge(401);
    }

    private static void rejectUnknownAttributes(StunMessage req) {
        List<Integer> unknown = req.unknownComprehensionRequired();
        if (!unknown.isEmpty()) {
            throw new UnknownAttributesException(unknown);
        }
    }

    private void fail(RequestContext ctx, TurnException e) {
        boolean plainChallenge = e.code() == 401 && !ctx.request().has(AttributeType.MESSAGE_INTEGRITY)
                && !ctx.request().has(AttributeType.MESSAGE_INTEGRITY_SHA256);
        if (ctx.request().method().equals(Method.ALLOCATE) && !plainChallenge) {
            // The first 401 of every client is the challenge, not a failure: counting it would put
            // the ok/all ratio near 50% on a healthy server.
            server.metrics().allocateResult(String.valueOf(e.code()));
        }
        StunMessage.Builder b = ctx.request().errorResponse().add(new ErrorCode(e.code(), ""));
        if (e instanceof Challenge) {
            b.add(new Realm(server.config().realm()));
            b.add(new Nonce(server.nonces().issue(ctx.fiveTuple().client().getAddress(), ctx.now())));
        } else if (e instanceof UnknownAttributesException u) {
            b.add(new UnknownAttributes(u.types));
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

    static final class UnknownAttributesException extends TurnException {
        private static final long serialVersionUID = 1L;
        final transient List<Integer> types;

        UnknownAttributesException(List<Integer> types) {
            super(420, "unknown comprehension-required attributes");
            this.types = types;
        }
    }
}
