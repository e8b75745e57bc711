package org.turnctl.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * The turn-server tests' own blocking client over real UDP or TCP sockets on loopback. Not the
 * probe's client (turn-server may not depend on stun-probe): just enough to drive every path.
 */
final class TestClient implements AutoCloseable {
    static final int TIMEOUT_MS = 3000;

    private final DatagramSocket udp;
    private final Socket tcp;
    private final InetSocketAddress server;
    String username;
    String password;
    String realm;
    String nonce;

    private TestClient(DatagramSocket udp, Socket tcp, InetSocketAddress server) {
        this.udp = udp;
        this.tcp = tcp;
        this.server = server;
    }

    static TestClient udp(InetSocketAddress server) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        s.setSoTimeout(TIMEOUT_MS);
        return new TestClient(s, null, server);
    }

    static TestClient tcp(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return new TestClient(null, s, server);
    }

    /**
     * A TLS client over TCP: {@code context} decides what it trusts; {@code alpn} protocols are
     * offered (none when empty). The handshake is finished before this returns.
     */
    static TestClient tls(InetSocketAddress server, javax.net.ssl.SSLContext context, String... alpn) throws IOException {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket();
        s.connect(server, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        s.setTcpNoDelay(true);
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(alpn);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new TestClient(null, s, server);
    }

    /** The TLS session's negotiated ALPN protocol ("" for none), for a client made by {@link #tls}. */
    String applicationProtocol() {
        return ((javax.net.ssl.SSLSocket) tcp).getApplicationProtocol();
    }

    /** The certificate the TLS server presented. */
    java.security.cert.X509Certificate serverCertificate() throws IOException {
        return (java.security.cert.X509Certificate) ((javax.net.ssl.SSLSocket) tcp).getSession().getPeerCertificates()[0];
    }

    TestClient credentials(String username, String password) {
        this.username = username;
        this.password = password;
        return this;
    }

    /** The TCP connection itself (after an RFC 6062 ConnectionBind it carries raw bytes). */
    java.net.Socket socket() {
        return tcp;
    }

    InetSocketAddress localAddress() {
        return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress() : (InetSocketAddress) tcp.getLocalSocketAddress();
    }

    byte[] key() {
        return Integrity.longTermKeyMd5(username, realm, password);
    }

    void sendRaw(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    /** The next STUN message or ChannelData from the server, as raw bytes; null on timeout. */
    byte[] receiveRaw(int timeoutMs) throws IOException {
        try {
            if (udp != null) {
                udp.setSoTimeout(timeoutMs);
                byte[] buf = new byte[65536];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                return Arrays.copyOf(buf, p.getLength());
            }
            tcp.setSoTimeout(timeoutMs);
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            byte[] head = new byte[4];
            in.readFully(head);
            int length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
            boolean channelData = (head[0] & 0xC0) == 0x40;
            int rest = channelData ? (length + 3) & ~3 : 16 + length;
            byte[] all = Arrays.copyOf(head, 4 + rest);
            in.readFully(all, 4, rest);
            return channelData ? Arrays.copyOf(all, 4 + length) : all;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    StunMessage send(StunMessage msg, Protection p) throws IOException, StunDecodeException {
        sendRaw(StunCodec.toBytes(msg, p));
        return receiveResponse(msg.transactionId());
    }

    StunMessage receiveResponse(TransactionId id) throws IOException, StunDecodeException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] raw = receiveRaw(TIMEOUT_MS);
            if (raw == null) {
                break;
            }
            if ((raw[0] & 0xC0) != 0) {
                continue; // ChannelData while waiting for a response
            }
            StunMessage m = StunCodec.decode(raw);
            if (m.transactionId().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no response to " + id + " within " + TIMEOUT_MS + " ms");
    }

    /** Sends without integrity; the 401 gives the realm and nonce used by {@link #request}. */
    StunMessage unauthenticated(Method method, StunAttribute... attrs) throws Exception {
        StunMessage.Builder b = StunMessage.builder(method, MessageClass.REQUEST);
        for (StunAttribute a : attrs) {
            b.add(a);
        }
        StunMessage r = send(b.build(), Protection.NONE);
        Realm.from(r).ifPresent(x -> realm = x.value());
        Nonce.from(r).ifPresent(x -> nonce = x.value());
        return r;
    }

    /** An authenticated request; fetches a nonce first and retries once on 438, as clients do. */
    StunMessage request(Method method, StunAttribute... attrs) throws Exception {
        return request(StunMessage.builder(method, MessageClass.REQUEST), attrs);
    }

    StunMessage request(StunMessage.Builder builder, StunAttribute... attrs) throws Exception {
        if (nonce == null) {
            unauthenticated(Method.ALLOCATE);
        }
        StunMessage built = builder.build();
        StunMessage r = sendAuthenticated(built.type().method(), built.transactionId(), attrs);
        if (errorCode(r) == 438) {
            nonce = Nonce.from(r).orElseThrow().value();
            r = sendAuthenticated(built.type().method(), TransactionId.random(), attrs);
        }
        return r;
    }

    StunMessage sendAuthenticated(Method method, TransactionId id, StunAttribute... attrs) throws Exception {
        StunMessage.Builder b = StunMessage.builder(new MessageType(method, MessageClass.REQUEST), id);
        for (StunAttribute a : attrs) {
            b.add(a);
        }
        b.add(new Username(username)).add(new Realm(realm)).add(new Nonce(nonce));
        return send(b.build(), Protection.NONE.withIntegrity(key()).withFingerprint());
    }

    void sendChannelData(int channel, byte[] payload) throws IOException {
        ByteBuf b = Unpooled.buffer();
        ChannelData cd = new ChannelData(channel, Unpooled.wrappedBuffer(payload));
        try {
            cd.writeTo(b, tcp != null);
            sendRaw(ByteBufUtil.getBytes(b));
        } finally {
            cd.release();
            b.release();
        }
    }

    static int errorCode(StunMessage m) {
        return m.messageClass() == MessageClass.ERROR_RESPONSE ? ErrorCode.from(m).orElseThrow().code() : 0;
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}
