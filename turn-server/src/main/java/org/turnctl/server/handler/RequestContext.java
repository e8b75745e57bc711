package org.turnctl.server.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import java.util.Locale;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.auth.Credential;
import org.turnctl.server.config.Settings;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * One request being handled: who sent it, the settings snapshot it is judged by (read once, so a
 * reload in the middle cannot mix old and new), how it authenticated, and how to answer.
 */
public final class RequestContext {
    private final Settings settings;
    private final EventLoop eventLoop;
    private final StunMessage request;
    private final FiveTuple fiveTuple;
    private final ClientSink sink;
    private final AllocationSlot slot;
    private final long now;
    private final TransactionCache transactions;
    private final TurnMetrics metrics;
    private final long startNanos = System.nanoTime();
    private Credential credential;
    private byte[] key;
    private boolean answerSha1;
    private boolean answerSha256;

    RequestContext(Settings settings, EventLoop eventLoop, StunMessage request, FiveTuple fiveTuple, ClientSink sink,
            AllocationSlot slot, long now, TransactionCache transactions, TurnMetrics metrics) {
        this.settings = settings;
        this.eventLoop = eventLoop;
        this.request = request;
        this.fiveTuple = fiveTuple;
        this.sink = sink;
        this.slot = slot;
        this.now = now;
        this.transactions = transactions;
        this.metrics = metrics;
    }

    public Settings settings() {
        return settings;
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    public StunMessage request() {
        return request;
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public ClientSink sink() {
        return sink;
    }

    public AllocationSlot slot() {
        return slot;
    }

    public long now() {
        return now;
    }

    public Credential credential() {
        return credential;
    }

    public byte[] key() {
        return key;
    }

    TransactionCache transactions() {
        return transactions;
    }

    void authenticated(Credential credential, byte[] key, boolean sha1, boolean sha256) {
        this.credential = credential;
        this.key = key;
        this.answerSha1 = sha1;
        this.answerSha256 = sha256;
    }

    /**
     * Sends a response: integrity-protected with the request's key when it authenticated (with
     * the same integrity attribute(s) it used), FINGERPRINT when the request had one; remembered
     * for retransmissions when authenticated (RFC 8489 section 6.3.4).
     */
    public void respond(StunMessage response) {
        Protection p = Protection.NONE;
        if (key != null) {
            if (answerSha1) {
                p = p.withIntegrity(key);
            }
            if (answerSha256) {
                p = p.withIntegritySha256(key);
            }
        }
        if (Fingerprint.isPresent(request) && !request.isLegacy()) {
            p = p.withFingerprint();
        }
        metrics.requestDuration(request.method().name().toLowerCase(Locale.ROOT), System.nanoTime() - startNanos);
        ByteBuf out = StunCodec.encode(response, p, sink.alloc());
        if (key != null) {
            transactions.put(fiveTuple.client(), request.transactionId(), ByteBufUtil.getBytes(out), now);
        }
        sink.send(out);
    }
}
