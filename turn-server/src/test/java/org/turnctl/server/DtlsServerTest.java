package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** TURN over DTLS on loopback with the JDK's DTLS client: the handshake, STUN inside it, and the stateless cookie. */
class DtlsServerTest {
    @TempDir
    Path dir;

    private final CountingMetrics metrics = new CountingMetrics();
    private final TestServers recipe = new TestServers();
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start() throws Exception {
        SelfSignedCertificate.write(SelfSignedCertificate.create("127.0.0.1", 30), List.of(), dir);
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = TurnServer.start(recipe.config().withTls(new TlsConfig(dir.resolve("cert.pem"), dir.resolve("key.pem"),
                List.of(lo), false, List.of(lo))), metrics);
        return server.dtlsAddresses().get(0);
    }

    @Test
    void bindingInsideDtls() throws Exception {
        InetSocketAddress at = start();
        try (DtlsClient c = new DtlsClient(at)) {
            c.handshake(5000);
            c.sendMessage(StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE));
            byte[] answer = c.receiveMessage(3000);
            assertNotNull(answer, "no answer inside DTLS");
            assertEquals(MessageType.BINDING_SUCCESS, StunCodec.decode(answer).type());
        }
        assertTrue(Await.until(Duration.ofSeconds(2), () -> metrics.handshakes("dtls", "ok") == 1));
        assertEquals(1, metrics.handshakes("dtls", "cookie"), "one stateless HelloVerifyRequest first");
    }

    @Test
    void clientHellosWithoutACookieKeepNoStateAndTheAnswerIsNoLarger() throws Exception {
        InetSocketAddress at = start();
        try (DtlsClient c = new DtlsClient(at)) {
            byte[] hello = c.firstClientHello();
            c.socket().setSoTimeout(2000);
            for (int i = 0; i < 1000; i++) {
                c.socket().send(new DatagramPacket(hello, hello.length, at));
                DatagramPacket hvr = new DatagramPacket(new byte[2048], 2048);
                c.socket().receive(hvr);
                assertTrue(hvr.getLength() <= hello.length, "HelloVerifyRequest " + hvr.getLength() + " > ClientHello " + hello.length);
            }
        }
        assertEquals(1000, metrics.handshakes("dtls", "cookie"));
        assertEquals(0, metrics.handshakes("dtls", "ok"));
        assertEquals(0, metrics.handshakes("dtls", "timeout"), "no session was ever made to time out");
    }

    @Test
    void allocateInsideDtlsAndCloseNotifyDeletesIt() throws Exception {
        InetSocketAddress at = start();
        try (DtlsClient c = new DtlsClient(at)) {
            c.handshake(5000);
            StunMessage challenge = exchange(c, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new org.turnctl.stun.attr.RequestedTransport(17)).build(), Protection.NONE);
            assertEquals(401, org.turnctl.stun.attr.ErrorCode.from(challenge).orElseThrow().code());
            String nonce = org.turnctl.stun.attr.Nonce.from(challenge).orElseThrow().value();
            StunMessage ok = exchange(c, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new org.turnctl.stun.attr.RequestedTransport(17)).add(new org.turnctl.stun.attr.Username("alice"))
                    .add(new org.turnctl.stun.attr.Realm(TestServers.REALM)).add(new org.turnctl.stun.attr.Nonce(nonce)).build(),
                    Protection.NONE.withIntegrity(org.turnctl.stun.codec.Integrity.longTermKeyMd5("alice", TestServers.REALM,
                            "alice-pass")));
            assertEquals(MessageClass.SUCCESS_RESPONSE, ok.messageClass(), ok.toString());
            assertEquals(1, server.allocationCount());
            assertEquals(1, metrics.active("dtls"), "labelled dtls");
            c.closeNotify();
            assertTrue(Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0),
                    "close_notify deletes the allocation, as a TCP close does");
        }
    }

    private static StunMessage exchange(DtlsClient c, StunMessage m, Protection p) throws Exception {
        c.sendMessage(StunCodec.toBytes(m, p));
        byte[] answer = c.receiveMessage(3000);
        assertNotNull(answer, "no answer to " + m.type());
        return StunCodec.decode(answer);
    }

    @Test
    void aHalfOpenFloodIsCappedAndRecovers() throws Exception {
        int cap = org.turnctl.server.inbound.DtlsListenerHandler.MAX_HALF_OPEN;
        assertEquals(20, cap, "run through surefire, which sets turnctl.dtlsMaxHalfOpen=20");
        InetSocketAddress at = start();
        java.util.List<DtlsClient> flood = new java.util.ArrayList<>();
        try {
            int kept = 0;
            for (int i = 0; i < cap + 5; i++) {
                DtlsClient c = new DtlsClient(at);
                flood.add(c);
                if (c.halfOpen(i < cap ? 2000 : 300)) {
                    kept++;
                }
            }
            assertEquals(cap, kept, "no more than the cap of half-open sessions");
            try (DtlsClient blocked = new DtlsClient(at)) {
                assertTrue(!blocked.halfOpen(300), "a new client waits while the cap is full");
            }
            // The half-open ones time out (3 s in the suite; the server's clock is the test's) and a
            // real client gets through again.
            recipe.time.advanceSeconds(4);
            assertTrue(Await.until(Duration.ofSeconds(10), () -> metrics.handshakes("dtls", "timeout") >= cap));
            try (DtlsClient c = new DtlsClient(at)) {
                c.handshake(5000);
            }
            assertTrue(Await.until(Duration.ofSeconds(2), () -> metrics.handshakes("dtls", "ok") == 1));
        } finally {
            flood.forEach(DtlsClient::close);
        }
    }
}
