package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.net.Addresses;
import org.turnctl.server.tls.CertificateStore;
import org.turnctl.server.tls.DtlsHello;
import org.turnctl.stun.codec.Demux;

/**
 * A DTLS 1.2 listener socket (RFC 7350): the decrypting stage in front of the inbound path. One
 * {@link Session} (the JDK's DTLS engine, on this event loop, never waiting) per client 5-tuple
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

    private final InboundRouter router;
    private final CertificateStore certificates;
    private final TurnMetrics metrics;
    private final TimeSource clock;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
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

    /** Sessions now (tests: a ClientHello without a cookie must not make one). */
    public int sessionCount() {
        return sessions.size();
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
        for (Session s : new ArrayList<>(sessions.values())) {
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
        Session s = sessions.get(client);
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
    private Session accept(ByteBuf hello, InetSocketAddress client, InetSocketAddress sender) {
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
            return new Session(client, sender, engine);
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
            toFlush.get(i).relayChannel().flush();
        }
        toFlush.clear();
        ctx.flush();
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and the like: a listener outlives them.
    }

    private void sweep() {
        long now = clock.nowMillis();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (!s.handshakeDone && now - s.createdAt > HANDSHAKE_TIMEOUT_MS) {
                metrics.tlsHandshake("dtls", "timeout");
                s.close("handshake-timeout", false);
            } else if (s.handshakeDone && s.allocation == null && now - s.lastSeen > IDLE_MS) {
                s.close("idle", true);
            }
        }
    }

    /** One client's DTLS session: its engine, its allocation slot, and its sink. */
    private final class Session implements Origin, AllocationSlot, ClientSink {
        private final InetSocketAddress client;
        private final InetSocketAddress sender;
        private final SSLEngine engine;
        private final ByteBuffer appIn;
        private final ByteBuffer netOut;
        private final long createdAt;
        private long lastSeen;
        private boolean handshakeDone;
        private boolean closed;
        private Allocation allocation;
        private FiveTuple fiveTuple;

        Session(InetSocketAddress client, InetSocketAddress sender, SSLEngine engine) {
            this.client = client;
            this.sender = sender;
            this.engine = engine;
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            createdAt = clock.nowMillis();
            lastSeen = createdAt;
        }

        void receive(ByteBuf content) {
            lastSeen = clock.nowMillis();
            ByteBuffer src = content.nioBuffer();
            try {
                while (src.hasRemaining() && !closed) {
                    appIn.clear();
                    SSLEngineResult r = engine.unwrap(src, appIn);
                    appIn.flip();
                    finished(r.getHandshakeStatus());
                    if (appIn.hasRemaining()) {
                        // Application data comes only after the handshake: the engine may report
                        // FINISHED with it, or not at all (its last flight was ours).
                        finished(SSLEngineResult.HandshakeStatus.FINISHED);
                        deliver();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED || engine.isInboundDone()) {
                        // close_notify: the client is gone, and so is its allocation.
                        close("connection-closed", true);
                        return;
                    }
                    progress(r.getHandshakeStatus());
                    if (r.bytesConsumed() == 0) {
                        break;
                    }
                }
            } catch (SSLException e) {
                if (!handshakeDone) {
                    metrics.tlsHandshake("dtls", "failed");
                }
                close("dtls-error", false);
            }
        }

        /** Sends the ServerHello flight the accepted ClientHello called for. */
        void start() {
            try {
                progress(engine.getHandshakeStatus());
            } catch (SSLException e) {
                metrics.tlsHandshake("dtls", "failed");
                close("dtls-error", false);
            }
        }

        /** Runs the handshake as far as it goes without new input. */
        private void progress(SSLEngineResult.HandshakeStatus hs) throws SSLException {
            while (!closed) {
                switch (hs) {
                    case NEED_TASK -> {
                        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                            t.run(); // CPU only (key exchange), no waiting
                        }
                        hs = engine.getHandshakeStatus();
                    }
                    case NEED_WRAP -> {
                        netOut.clear();
                        SSLEngineResult r = engine.wrap(EMPTY, netOut);
                        netOut.flip();
                        if (netOut.hasRemaining()) {
                            ByteBuf out = channel.alloc().directBuffer(netOut.remaining()).writeBytes(netOut);
                            channel.write(new DatagramPacket(out, sender), channel.voidPromise());
                        }
                        finished(r.getHandshakeStatus());
                        hs = r.getHandshakeStatus();
                    }
                    case NEED_UNWRAP_AGAIN -> {
                        appIn.clear();
                        SSLEngineResult r = engine.unwrap(EMPTY, appIn);
                        finished(r.getHandshakeStatus());
                        hs = r.getHandshakeStatus();
                    }
                    case FINISHED -> {
                        finished(hs);
                        return;
                    }
                    default -> {
                        if (!handshakeDone && hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                            finished(SSLEngineResult.HandshakeStatus.FINISHED);
                        }
                        return; // NEED_UNWRAP: wait for the client's next flight
                    }
                }
            }
        }

        private void finished(SSLEngineResult.HandshakeStatus hs) {
            if (hs == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeDone) {
                handshakeDone = true;
                halfOpen--;
                metrics.tlsHandshake("dtls", "ok");
            }
        }

        /** One decrypted record is one STUN message or ChannelData: a frame for the router. */
        private void deliver() {
            if (!handshakeDone) {
                return;
            }
            // A copy: the data path slices the frame for the peer, and appIn is reused at once.
            ByteBuf frame = channel.alloc().buffer(appIn.remaining()).writeBytes(appIn);
            try {
                Allocation written = router.route(frame, client, allocation, this);
                if (written != null && (toFlush.isEmpty() || toFlush.get(toFlush.size() - 1) != written)) {
                    toFlush.add(written);
                }
            } finally {
                frame.release();
            }
        }

        void close(String reason, boolean notify) {
            if (closed) {
                return;
            }
            closed = true;
            sessions.remove(client, this);
            if (!handshakeDone) {
                halfOpen--;
            }
            Allocation a = allocation;
            if (a != null) {
                a.delete(reason);
            }
            if (notify) {
                engine.closeOutbound();
                try {
                    netOut.clear();
                    engine.wrap(EMPTY, netOut);
                    netOut.flip();
                    if (netOut.hasRemaining()) {
                        ByteBuf out = channel.alloc().directBuffer(netOut.remaining()).writeBytes(netOut);
                        channel.writeAndFlush(new DatagramPacket(out, sender), channel.voidPromise());
                    }
                } catch (SSLException e) {
                    // the peer is gone anyway
                }
            }
        }

        // --- Origin ---

        @Override
        public FiveTuple fiveTuple(InetSocketAddress c) {
            if (fiveTuple == null) {
                fiveTuple = new FiveTuple(client, (InetSocketAddress) channel.localAddress(), Transport.DTLS);
            }
            return fiveTuple;
        }

        @Override
        public ClientSink sink(InetSocketAddress c) {
            return this;
        }

        @Override
        public AllocationSlot slot(InetSocketAddress c) {
            return this;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public BehaviorDiscovery.Position discoveryPosition() {
            return null;
        }

        @Override
        public boolean relays() {
            return true;
        }

        // --- AllocationSlot ---

        @Override
        public Allocation get() {
            return allocation;
        }

        @Override
        public void set(Allocation a) {
            allocation = a;
            if (closed) {
                a.delete("connection-closed");
            }
        }

        @Override
        public void clear(Allocation a) {
            if (allocation == a) {
                allocation = null;
            }
        }

        // --- ClientSink: each message is sealed as one DTLS record in one datagram ---

        @Override
        public void send(ByteBuf message) {
            write(message);
            channel.flush();
        }

        @Override
        public void write(ByteBuf message) {
            try {
                if (closed || !handshakeDone) {
                    return;
                }
                netOut.clear();
                engine.wrap(message.nioBuffer(), netOut);
                netOut.flip();
                if (netOut.hasRemaining()) {
                    ByteBuf out = channel.alloc().directBuffer(netOut.remaining()).writeBytes(netOut);
                    channel.write(new DatagramPacket(out, sender), channel.voidPromise());
                }
            } catch (SSLException e) {
                close("dtls-error", false);
            } finally {
                message.release();
            }
        }

        @Override
        public void flush() {
            channel.flush();
        }

        @Override
        public boolean isStream() {
            return false;
        }

        @Override
        public ByteBufAllocator alloc() {
            return channel.alloc();
        }
    }
}
