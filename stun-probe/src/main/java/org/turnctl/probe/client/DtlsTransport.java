package org.turnctl.probe.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * DTLS 1.2 to a turns:...?transport=udp server (RFC 7350), blocking, on the JDK's engine: a
 * handshake with retransmission of lost flights (the engine re-sends on the next wrap after a
 * read timed out), then one STUN message or ChannelData per record, one record per datagram.
 */
public final class DtlsTransport implements Closeable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final SSLEngine engine;
    private final byte[] buf = new byte[65536];

    private DtlsTransport(DatagramSocket socket, InetSocketAddress server, SSLEngine engine) {
        this.socket = socket;
        this.server = server;
        this.engine = engine;
    }

    /** Connects and finishes the handshake within {@code timeoutMs}, or throws. */
    public static DtlsTransport connect(InetSocketAddress server, String host, long timeoutMs, SSLContext dtls)
            throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(server.getAddress().isLoopbackAddress()
                ? server.getAddress() : null, 0));
        try {
            s.connect(server);
            // No peer host and port: no session resumption across the probe's connections, each
            // of which is a full handshake, as a new browser session's would be.
            SSLEngine e = dtls.createSSLEngine();
            e.setUseClientMode(true);
            SSLParameters p = e.getSSLParameters();
            p.setProtocols(new String[] {"DTLSv1.2"});
            p.setMaximumPacketSize(1400);
            e.setSSLParameters(p);
            DtlsTransport t = new DtlsTransport(s, server, e);
            t.handshake(timeoutMs);
            return t;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake(long timeoutMs) throws IOException {
        engine.beginHandshake();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        int wait = 250;
        while (hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && hs != SSLEngineResult.HandshakeStatus.FINISHED) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no DTLS handshake within " + timeoutMs + " ms");
            }
            switch (hs) {
                case NEED_WRAP -> {
                    net.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, net);
                    net.flip();
                    send(net);
                    hs = r.getHandshakeStatus();
                }
                case NEED_UNWRAP -> {
                    socket.setSoTimeout((int) Math.max(1, Math.min(wait, left)));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException lost) {
                        // A flight was lost: the next wrap retransmits ours (RFC 6347 section 4.2.4).
                        wait = Math.min(wait * 2, 2000);
                        net.clear();
                        SSLEngineResult r = engine.wrap(EMPTY, net);
                        net.flip();
                        send(net);
                        hs = r.getHandshakeStatus();
                        continue;
                    }
                    ByteBuffer in = ByteBuffer.wrap(buf, 0, p.getLength());
                    while (in.hasRemaining()) {
                        app.clear();
                        SSLEngineResult r = engine.unwrap(in, app);
                        hs = r.getHandshakeStatus();
                        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                            hs = engine.getHandshakeStatus();
                        }
                        if (r.bytesConsumed() == 0) {
                            break;
                        }
                    }
                }
                case NEED_UNWRAP_AGAIN -> {
                    app.clear();
                    hs = engine.unwrap(EMPTY, app).getHandshakeStatus();
                }
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                default -> throw new SSLException("unexpected DTLS handshake state " + hs);
            }
        }
    }

    private void runTasks() {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    private void send(ByteBuffer net) throws IOException {
        if (net.hasRemaining()) {
            socket.send(new DatagramPacket(net.array(), net.arrayOffset() + net.position(), net.remaining(), server));
        }
    }

    public SSLSession session() {
        return engine.getSession();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Seals one message as one record in one datagram. */
    public void send(byte[] message) throws IOException {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.wrap(message), net);
        net.flip();
        send(net);
    }

    /** The next decrypted message, or null after {@code timeoutMs}. */
    public byte[] receive(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            engine.unwrap(ByteBuffer.wrap(buf, 0, p.getLength()), app);
            app.flip();
            if (app.hasRemaining()) {
                return Arrays.copyOf(app.array(), app.remaining());
            }
        }
    }

    /** close_notify, then the socket. */
    @Override
    public void close() {
        try {
            engine.closeOutbound();
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(EMPTY, net);
            net.flip();
            send(net);
        } catch (IOException | RuntimeException e) {
            // the server will time the session out
        } finally {
            socket.close();
        }
    }
}
