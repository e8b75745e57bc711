package org.turnctl.server;

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
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/** A blocking DTLS 1.2 client for tests on the JDK's engine: a handshake, then one record per message. Trusts anything. */
final class DtlsClient implements AutoCloseable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final SSLEngine engine;
    private final byte[] buf = new byte[65536];

    DtlsClient(InetSocketAddress server) throws Exception {
        this.server = server;
        socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        socket.setSoTimeout(300);
        SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
        ctx.init(null, new TrustManager[] {new org.turnctl.server.TrustAll()}, null);
        engine = ctx.createSSLEngine(server.getHostString(), server.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setMaximumPacketSize(1400);
        engine.setSSLParameters(p);
    }

    DatagramSocket socket() {
        return socket;
    }

    /** The first ClientHello this client sends (no cookie), as bytes. */
    byte[] firstClientHello() throws Exception {
        engine.beginHandshake();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(EMPTY, net);
        net.flip();
        return Arrays.copyOfRange(net.array(), 0, net.limit());
    }

    /**
     * Half a handshake: the first ClientHello, the server's HelloVerifyRequest, the ClientHello
     * with the cookie; returns whether the server answered that (it kept a session) within the
     * timeout. The client then goes silent.
     */
    boolean halfOpen(int timeoutMs) throws Exception {
        engine.beginHandshake();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.wrap(EMPTY, net);
        net.flip();
        send(net);
        socket.setSoTimeout(timeoutMs);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p); // the HelloVerifyRequest
        engine.unwrap(ByteBuffer.wrap(buf, 0, p.getLength()), app);
        runTasks();
        net.clear();
        engine.wrap(EMPTY, net);
        net.flip();
        send(net);
        try {
            socket.receive(new DatagramPacket(buf, buf.length)); // ServerHello, when a session was kept
            return true;
        } catch (SocketTimeoutException refused) {
            return false;
        }
    }

    void handshake(long timeoutMs) throws Exception {
        engine.beginHandshake();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && hs != SSLEngineResult.HandshakeStatus.FINISHED) {
            if (System.nanoTime() > deadline) {
                throw new IOException("DTLS handshake did not finish, stuck at " + hs);
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
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        hs = engine.getHandshakeStatus();
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
                default -> throw new IOException("unexpected handshake status " + hs);
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

    /** Seals one message as one record and sends it. */
    void sendMessage(byte[] message) throws IOException {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.wrap(message), net);
        net.flip();
        send(net);
    }

    /** The next decrypted message, or null on timeout. */
    byte[] receiveMessage(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
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
        return null;
    }

    /** Sends close_notify. */
    void closeNotify() throws IOException {
        engine.closeOutbound();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(EMPTY, net);
        net.flip();
        send(net);
    }

    @Override
    public void close() {
        socket.close();
    }
}
