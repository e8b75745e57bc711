package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ConnectionId;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/**
 * RFC 6062 over real loopback sockets: a TCP allocation, Connect (and 446, 447), ConnectionBind
 * (and 400), bytes both ways on the bound pair, a peer connecting in (ConnectionAttempt), the 2 s
 * (test) bind timeout, and the allocation taking its connections with it.
 */
class TcpRelayTest {
    private final TestServers recipe = new TestServers();
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<AutoCloseable> closeMe = new ArrayList<>();
    private TurnServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TestClient control() throws Exception {
        if (server == null) {
            server = TurnServer.start(recipe.config(), metrics);
        }
        TestClient c = TestClient.tcp(server.tcpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        return c;
    }

    private ServerSocket peerListener() throws Exception {
        ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        s.setSoTimeout(TestClient.TIMEOUT_MS);
        closeMe.add(s);
        return s;
    }

    private static StunMessage allocateTcp(TestClient c) throws Exception {
        return c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.TCP));
    }

    /** ConnectionBind on a new connection of the same user; that connection then carries raw bytes. */
    private Socket bind(long id) throws Exception {
        TestClient data = control();
        StunMessage r = data.request(Method.CONNECTION_BIND, new ConnectionId(id));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        return data.socket();
    }

    private static byte[] read(InputStream in, int n) throws Exception {
        return in.readNBytes(n);
    }

    @Test
    void connectBindAndBytesBothWays() throws Exception {
        TestClient c = control();
        StunMessage alloc = allocateTcp(c);
        assertEquals(MessageClass.SUCCESS_RESPONSE, alloc.messageClass(), alloc.toString());
        InetSocketAddress relayed = XorRelayedAddress.from(alloc).orElseThrow().address();
        ServerSocket peerListener = peerListener();
        InetSocketAddress peerAddr = (InetSocketAddress) peerListener.getLocalSocketAddress();

        StunMessage connect = c.request(Method.CONNECT, new XorPeerAddress(peerAddr));
        assertEquals(MessageClass.SUCCESS_RESPONSE, connect.messageClass(), connect.toString());
        long id = ConnectionId.from(connect).orElseThrow().id();
        Socket peer = peerListener.accept();
        closeMe.add(peer);
        peer.setSoTimeout(TestClient.TIMEOUT_MS);
        assertEquals(relayed, peer.getRemoteSocketAddress(), "the connection leaves from the relayed address");
        assertEquals(446, TestClient.errorCode(c.request(Method.CONNECT, new XorPeerAddress(peerAddr))), "one per peer");

        Socket data = bind(id);
        data.setSoTimeout(TestClient.TIMEOUT_MS);
        data.getOutputStream().write("hello peer".getBytes());
        assertArrayEquals("hello peer".getBytes(), read(peer.getInputStream(), 10));
        peer.getOutputStream().write("hi client".getBytes());
        assertArrayEquals("hi client".getBytes(), read(data.getInputStream(), 9));
        assertEquals(1, metrics.tcpRelayConnections());
        assertArrayEquals(new long[] {10, 9}, metrics.tcpBytes(), "counted as tcp-relay bytes");

        // The peer hangs up: the client's data connection ends too.
        peer.close();
        assertEquals(-1, data.getInputStream().read());
        Await.until(Duration.ofSeconds(5), () -> metrics.tcpRelayConnections() == 0);
        assertEquals(0, metrics.tcpRelayConnections());
    }

    @Test
    void errorsAre400And447AndUdpAllocationsHaveNoConnect() throws Exception {
        TestClient c = control();
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocateTcp(c).messageClass());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertEquals(447, TestClient.errorCode(c.request(Method.CONNECT,
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort)))), "refused: 447");
        TestClient data = control();
        assertEquals(400, TestClient.errorCode(data.request(Method.CONNECTION_BIND, new ConnectionId(12345))), "unknown id");
        // Over UDP a TCP allocation is refused; a UDP allocation has no Connect.
        TestClient udp = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(udp);
        assertEquals(400, TestClient.errorCode(allocateTcp(udp)));
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                udp.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP)).messageClass());
        assertEquals(400, TestClient.errorCode(udp.request(Method.CONNECT,
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))));
    }

    @Test
    void aPeerConnectsInAndTheClientIsToldAndBinds() throws Exception {
        TestClient c = control();
        InetSocketAddress relayed = XorRelayedAddress.from(allocateTcp(c)).orElseThrow().address();
        // Without a permission the relayed address takes no connection.
        try (Socket stranger = new Socket(relayed.getAddress(), relayed.getPort())) {
            stranger.setSoTimeout(TestClient.TIMEOUT_MS);
            assertEquals(-1, stranger.getInputStream().read(), "closed at once");
        }
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.CREATE_PERMISSION,
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1))).messageClass());
        Socket peer = new Socket(relayed.getAddress(), relayed.getPort());
        closeMe.add(peer);
        StunMessage attempt = StunCodec.decode(c.receiveRaw(TestClient.TIMEOUT_MS));
        assertEquals(new MessageType(Method.CONNECTION_ATTEMPT, MessageClass.INDICATION), attempt.type());
        assertEquals(peer.getLocalSocketAddress(), XorPeerAddress.from(attempt).orElseThrow().address());
        Socket data = bind(ConnectionId.from(attempt).orElseThrow().id());
        data.setSoTimeout(TestClient.TIMEOUT_MS);
        peer.getOutputStream().write("in".getBytes());
        assertArrayEquals("in".getBytes(), read(data.getInputStream(), 2));
        // Deleting the allocation takes its connections.
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(0)).messageClass());
        peer.setSoTimeout(TestClient.TIMEOUT_MS);
        assertEquals(-1, peer.getInputStream().read());
    }

    /** A peer that does not read: the client's writer blocks once the kernel's buffers are full; the server holds no more than its high water mark. */
    @Test
    void aSlowPeerPushesBackInsteadOfBuffering() throws Exception {
        TestClient c = control();
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocateTcp(c).messageClass());
        ServerSocket peerListener = peerListener();
        long id = ConnectionId.from(c.request(Method.CONNECT,
                new XorPeerAddress((InetSocketAddress) peerListener.getLocalSocketAddress()))).orElseThrow().id();
        Socket peer = peerListener.accept();
        closeMe.add(peer);
        Socket data = bind(id);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 1024 && !stop.get(); i++) { // 64 MB at most
                    data.getOutputStream().write(chunk);
                    written.addAndGet(chunk.length);
                }
                // The FIN follows the last byte through the server, which then closes the peer's side.
                data.shutdownOutput();
            } catch (java.io.IOException closed) {
                // the test closes the sockets at the end
            }
        }, "tcp-relay-writer");
        writer.start();
        // Wait until the writer has stopped making progress: blocked on full buffers.
        long[] last = {-1};
        Await.until(Duration.ofSeconds(10), () -> {
            long now = written.get();
            boolean still = now == last[0] && now > 0;
            last[0] = now;
            return still;
        });
        assertTrue(writer.isAlive(), "the writer is blocked, not done: " + written.get() + " B");
        assertTrue(written.get() < 64L * 1024 * 1024, written.get() + " B");
        // Now the writer finishes the write it is blocked in, and the peer reads to the end:
        // every byte written arrives, and no more.
        stop.set(true);
        peer.setSoTimeout(TestClient.TIMEOUT_MS);
        long got = 0;
        byte[] buf = new byte[256 * 1024];
        for (int n; (n = peer.getInputStream().read(buf)) > 0; ) {
            got += n;
        }
        writer.join(5000);
        assertFalse(writer.isAlive(), "the writer finished");
        assertEquals(written.get(), got, "nothing lost on the way");
    }

    @Test
    void anUnboundConnectionClosesAfterTheBindTimeout() throws Exception {
        TestClient c = control();
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocateTcp(c).messageClass());
        ServerSocket peerListener = peerListener();
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                c.request(Method.CONNECT, new XorPeerAddress((InetSocketAddress) peerListener.getLocalSocketAddress())).messageClass());
        Socket peer = peerListener.accept();
        closeMe.add(peer);
        peer.setSoTimeout(10_000); // the timeout is 2 s here: a read that outlasts 10 s fails the test
        assertEquals(-1, peer.getInputStream().read(), "the server gave up on the ConnectionBind");
        Await.until(Duration.ofSeconds(5), () -> metrics.tcpRelayConnections() == 0);
        assertEquals(0, metrics.tcpRelayConnections());
    }
}
