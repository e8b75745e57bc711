package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.discovery.BehaviorDiscovery;

/**
 * One client's DTLS session on a {@link DtlsListenerHandler}: its JDK engine, driven on the
 * listener's event loop, and the {@link Origin}, allocation slot and sink the inbound path needs.
 * Each record in is one frame for the router; each message out is sealed as one record in one
 * datagram.
 */
final class DtlsSession implements Origin, ClientSink {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final DtlsListenerHandler listener;
    private final Channel channel;
    private final InetSocketAddress client;
    private final InetSocketAddress sender;
    private final SSLEngine engine;
    private final ByteBuffer appIn;
    private final ByteBuffer netOut;
    private final long createdAt;
    private long lastSeen;
    private boolean handshakeDone;
    private boolean closed;
    private final ConnectionSlot slot = new ConnectionSlot(() -> closed);
    private FiveTuple fiveTuple;

    DtlsSession(DtlsListenerHandler listener, InetSocketAddress client, InetSocketAddress sender, SSLEngine engine) {
        this.listener = listener;
        this.channel = listener.channel();
        this.client = client;
        this.sender = sender;
        this.engine = engine;
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        createdAt = listener.clock.nowMillis();
        lastSeen = createdAt;
    }

    void receive(ByteBuf content) {
        lastSeen = listener.clock.nowMillis();
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
                listener.metrics.tlsHandshake("dtls", "failed");
            }
            close("dtls-error", false);
        }
    }

    /** Sends the ServerHello flight the accepted ClientHello called for. */
    void start() {
        try {
            progress(engine.getHandshakeStatus());
        } catch (SSLException e) {
            listener.metrics.tlsHandshake("dtls", "failed");
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
                    SSLEngineResult r = seal(EMPTY);
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
            listener.handshakeFinished();
            listener.metrics.tlsHandshake("dtls", "ok");
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
            Allocation written = listener.router.route(frame, client, slot.get(), this);
            if (written != null) {
                listener.written(written);
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
        listener.closed(this);
        Allocation a = slot.get();
        if (a != null) {
            a.delete(reason);
        }
        if (notify) {
            engine.closeOutbound();
            try {
                seal(EMPTY);
                channel.flush();
            } catch (SSLException e) {
                // the peer is gone anyway
            }
        }
    }

    /** Wraps {@code src} (empty for handshake flights) into one record and writes it as one datagram. */
    private SSLEngineResult seal(ByteBuffer src) throws SSLException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(src, netOut);
        netOut.flip();
        if (netOut.hasRemaining()) {
            ByteBuf out = channel.alloc().directBuffer(netOut.remaining()).writeBytes(netOut);
            channel.write(new DatagramPacket(out, sender), channel.voidPromise());
        }
        return r;
    }

    InetSocketAddress client() {
        return client;
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    long createdAt() {
        return createdAt;
    }

    long lastSeen() {
        return lastSeen;
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
        return slot;
    }

    /** The session's allocation, or null. */
    Allocation allocation() {
        return slot.get();
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
            seal(message.nioBuffer());
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
