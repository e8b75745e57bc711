package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.net.Addresses;
import org.turnctl.server.tls.CertificateStore;
import org.turnctl.server.tls.DtlsHello;
import org.turnctl.stun.codec.Demux;

/**
 * A DTLS 1.2 listener socket (RFC 7350): the decrypting stage in front of the inbound path. One
 * {@link DtlsSession} (the JDK's DTLS engine, on this event loop, never waiting) per client 5-tuple
 * decrypts each record into a frame for the {@link InboundRouter} and encrypts what goes back.
 *
 * <p>No state is kept for a client before it has returned a valid cookie (RFC 6347 section
 * 4.2.1): a ClientHello without one is answered by a throwaway engine's HelloVerifyRequest and
 * forgotten; a ClientHello with one is shown to a fresh engine (after the cookieless ClientHello
 * it implies, see {@link DtlsHello#withoutCookie}), and the engine is kept only if it accepts the
 * cookie. Half-open sessions are capped and time out after 10 s; a close_notify deletes the
 * allocation, as a TCP close does.
 */
public final class DtlsListenerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Sessions whose handshake has not finished, at most. */
    public static final int MAX_HALF_OPEN = Integer.getInteger("turnctl.dtlsMaxHalfOpen", 1000);
    /** A DTLS handshake must finish within this (tests shorten it). */
    public static final long HANDSHAKE_TIMEOUT_MS = Long.getLong("turnctl.dtlsHandshakeTimeoutMillis", 10_000);
    /** A finished session without an allocation that says nothing this long is dropped (as TCP's idle close). */
    static final long IDLE_MS = 60_000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final InboundRouter router;
    private final CertificateStore certificates;
    final TurnMetrics metrics;
    final TimeSource clock;
    private final Map<InetSocketAddress, DtlsSession> sessions = new HashMap<>();
    private final List<Allocation> toFlush = new ArrayList<>();
    private int halfOpen;
    private Channel channel;
    private ScheduledFuture<?> sweep;

    public DtlsListenerHandler(InboundRouter router, CertificateStore certificates, TurnMetrics metrics, TimeSource clock) {
        this.router = router;
        this.certificates = certificates;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        sweep = ctx.executor().scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (sweep != null) {
            sweep.cancel(false);
        }
        for (DtlsSession s : new ArrayList<>(sessions.values())) {
            s.close("shutdown", false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        InetSocketAddress client = Addresses.unmapped(packet.sender());
        DtlsSession s = sessions.get(client);
        if (s == null) {
            if (Demux.classify(content) != Demux.Kind.DTLS) {
                metrics.dropped(DropReason.NOT_STUN);
                return;
            }
            if (!DtlsHello.isClientHello(content)) {
                return; // only a whole ClientHello may start a session
            }
            if (!DtlsHello.hasCookie(content)) {
                helloVerifyRequest(ctx, content, packet.sender(), client);
                return;
            }
            if (halfOpen >= MAX_HALF_OPEN) {
                return; // a flood of half-open handshakes: refuse more until some finish or time out
            }
            s = accept(content, client, packet.sender());
            if (s == null) {
                return; // not a cookie of ours: nothing kept
            }
            sessions.put(client, s);
            halfOpen++;
            s.start();
            return;
        }
        s.receive(content);
    }

    /**
     * The stateless first answer: a throwaway engine reads the ClientHello and writes the
     * HelloVerifyRequest with its cookie (the JDK's, an HMAC of the hello under the context's
     * secret), and is dropped. It never grows with the number of clients.
     */
    private void helloVerifyRequest(ChannelHandlerContext ctx, ByteBuf hello, InetSocketAddress sender, InetSocketAddress client) {
        SSLEngine throwaway;
        try {
            throwaway = certificates.newDtlsEngine(client);
            throwaway.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            return;
        }
        ByteBuffer net = ByteBuffer.allocate(throwaway.getSession().getPacketBufferSize());
        try {
            unwrapHello(throwaway, hello.nioBuffer());
            throwaway.wrap(EMPTY, net);
            metrics.tlsHandshake("dtls", "cookie");
        } catch (SSLException | RuntimeException refused) {
            // e.g. DTLS 1.0 offered: answer with the engine's alert (protocol_version), so that the
            // client falls back at once instead of retransmitting; still nothing kept.
            try {
                net.clear();
                throwaway.wrap(EMPTY, net);
            } catch (SSLException | RuntimeException none) {
                return;
            }
        }
        net.flip();
        if (net.hasRemaining()) {
            ctx.writeAndFlush(new DatagramPacket(ctx.alloc().directBuffer(net.remaining()).writeBytes(net), sender),
                    ctx.voidPromise());
        }
    }

    /**
     * A ClientHello with a cookie: a fresh engine sees the cookieless hello it implies (its
     * HelloVerifyRequest is dropped), then this one. An engine that accepts the cookie moves on to
     * its ServerHello flight (NEED_WRAP) and becomes the session; otherwise it is dropped.
     */
    private DtlsSession accept(ByteBuf hello, InetSocketAddress client, InetSocketAddress sender) {
        try {
            SSLEngine engine = certificates.newDtlsEngine(client);
            engine.beginHandshake();
            unwrapHello(engine, DtlsHello.withoutCookie(hello));
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(EMPTY, net); // its own HelloVerifyRequest: the client has one already
            unwrapHello(engine, hello.nioBuffer());
            if (engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                return null;
            }
            return new DtlsSession(this, client, sender, engine);
        } catch (SSLException | RuntimeException e) {
            return null;
        }
    }

    private static void unwrapHello(SSLEngine engine, ByteBuffer hello) throws SSLException {
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.unwrap(hello, app);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        for (int i = 0; i < toFlush.size(); i++) {
            toFlush.get(i).flushRelays();
        }
        toFlush.clear();
        ctx.flush();
        super.channelReadComplete(ctx);
    }

    Channel channel() {
        return channel;
    }

    /** A session's handshake finished: one fewer half-open. */
    void handshakeFinished() {
        halfOpen--;
    }

    /** A session closed: it leaves the table (and the half-open count if it never finished). */
    void closed(DtlsSession s) {
        sessions.remove(s.client(), s);
        if (!s.handshakeDone()) {
            halfOpen--;
        }
    }

    /** The relay socket of {@code a} was written during this read burst: flush it at its end. */
    void written(Allocation a) {
        if (toFlush.isEmpty() || toFlush.get(toFlush.size() - 1) != a) {
            toFlush.add(a);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and the like: a listener outlives them.
    }

    private void sweep() {
        long now = clock.nowMillis();
        for (DtlsSession s : new ArrayList<>(sessions.values())) {
            if (!s.handshakeDone() && now - s.createdAt() > HANDSHAKE_TIMEOUT_MS) {
                metrics.tlsHandshake("dtls", "timeout");
                s.close("handshake-timeout", false);
            } else if (s.handshakeDone() && s.allocation() == null && now - s.lastSeen() > IDLE_MS) {
                s.close("idle", true);
            }
        }
    }
}
