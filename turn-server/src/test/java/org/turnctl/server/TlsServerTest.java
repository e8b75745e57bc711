package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.server.tls.SelfSignedCertificate.Issued;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.testsupport.Await;

/**
 * TURN over TLS end to end on loopback: a private CA issues the server's certificate (made here
 * with BouncyCastle), clients trust that CA only. The TLS listener, TLS detected on the TCP
 * listener, ALPN, relaying, handshake counts, and certificate reload without dropping anyone.
 */
class TlsServerTest {
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeMe = new ArrayList<>();
    private final CountingMetrics metrics = new CountingMetrics();
    private TurnServer server;
    private Issued ca;
    private TestServers recipe;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path certDir() {
        return dir.resolve("tls");
    }

    /** Issues a fresh leaf for HOST from the test CA into tls/cert.pem and tls/key.pem. */
    private Issued issueLeaf() throws Exception {
        Instant now = Instant.now();
        Issued leaf = SelfSignedCertificate.leaf(HOST, ca, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(90)));
        SelfSignedCertificate.write(leaf, List.of(ca.certificate()), certDir());
        return leaf;
    }

    private TurnServer start(boolean onTcp) throws Exception {
        Instant now = Instant.now();
        ca = SelfSignedCertificate.authority("turnctl test CA", null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        issueLeaf();
        recipe = new TestServers();
        TlsConfig tls = new TlsConfig(certDir().resolve("cert.pem"), certDir().resolve("key.pem"),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), onTcp);
        server = TurnServer.start(recipe.config().withTls(tls), metrics);
        return server;
    }

    private SSLContext trusting(Issued authority) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", authority.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private TestClient tlsClient(InetSocketAddress at, String... alpn) throws Exception {
        TestClient c = TestClient.tls(at, trusting(ca), alpn).credentials("alice", "alice-pass");
        closeMe.add(c);
        return c;
    }

    private DatagramSocket peer() throws Exception {
        DatagramSocket p = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        p.setSoTimeout(TestClient.TIMEOUT_MS);
        closeMe.add(p);
        return p;
    }

    private static StunMessage allocate(TestClient c) throws Exception {
        return c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP));
    }

    /** Channel 0x4001 to the peer, then one datagram each way; returns the relay address. */
    private static InetSocketAddress relayBothWays(TestClient c, DatagramSocket peer) throws Exception {
        InetSocketAddress relay = XorRelayedAddress.from(allocate(c)).orElseThrow().address();
        InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4001), new XorPeerAddress(peerAddr)).messageClass());
        checkRelay(c, peer, relay);
        return relay;
    }

    private static void checkRelay(TestClient c, DatagramSocket peer, InetSocketAddress relay) throws Exception {
        c.sendChannelData(0x4001, new byte[] {1, 2, 3});
        DatagramPacket got = new DatagramPacket(new byte[64], 64);
        peer.receive(got);
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(got.getData(), got.getLength()));
        peer.send(new DatagramPacket(new byte[] {4, 5}, 2, relay));
        // (The client's stream reader consumes the padding to 4 bytes.)
        assertArrayEquals(new byte[] {0x40, 0x01, 0, 2, 4, 5}, c.receiveRaw(TestClient.TIMEOUT_MS));
    }

    @Test
    void relaysOverTlsWithAlpnAndWithout() throws Exception {
        assertEquals(io.netty.handler.ssl.SslProvider.OPENSSL, org.turnctl.server.tls.CertificateStore.engine(),
                "BoringSSL is the engine where it loads: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        start(false);
        InetSocketAddress at = server.tlsAddresses().get(0);
        TestClient withAlpn = tlsClient(at, "stun.turn");
        assertEquals("stun.turn", withAlpn.applicationProtocol(), "RFC 7443 ALPN");
        relayBothWays(withAlpn, peer());
        TestClient browserLike = tlsClient(at);
        assertEquals("", browserLike.applicationProtocol(), "no ALPN offered, none chosen, accepted");
        relayBothWays(browserLike, peer());
        assertEquals(2, metrics.active("tls"), "allocations over TLS are labelled tls");
        assertEquals(0, metrics.active("tcp"));
        assertTrue(Await.until(Duration.ofSeconds(5), () -> metrics.handshakes("tls", "ok") == 2));
    }

    @Test
    void theTcpListenerServesTlsAndPlainTcpOnOnePort() throws Exception {
        start(true);
        InetSocketAddress tcpPort = server.tcpAddresses().get(0);
        relayBothWays(tlsClient(tcpPort, "stun.turn"), peer());
        TestClient plain = TestClient.tcp(tcpPort).credentials("alice", "alice-pass");
        closeMe.add(plain);
        relayBothWays(plain, peer());
        assertEquals(1, metrics.active("tls"));
        assertEquals(1, metrics.active("tcp"));
    }

    @Test
    void aClientThatRejectsTheCertificateIsAFailedHandshake() throws Exception {
        start(false);
        Instant now = Instant.now();
        Issued otherCa = SelfSignedCertificate.authority("another CA", null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)));
        assertThrows(SSLException.class, () -> TestClient.tls(server.tlsAddresses().get(0), trusting(otherCa)));
        assertTrue(Await.until(Duration.ofSeconds(5), () -> metrics.handshakes("tls", "failed") == 1),
                "failed: " + metrics.handshakes("tls", "failed"));
        assertEquals(0, metrics.handshakes("tls", "ok"));
    }

    @Test
    void reloadServesTheNewCertificateAndKeepsRelayingAndRefusesABrokenOne() throws Exception {
        start(false);
        InetSocketAddress at = server.tlsAddresses().get(0);
        TestClient before = tlsClient(at, "stun.turn");
        DatagramSocket peer = peer();
        InetSocketAddress relay = relayBothWays(before, peer);
        java.math.BigInteger firstSerial = before.serverCertificate().getSerialNumber();

        Issued second = issueLeaf();
        String summary = server.reload(recipe.config());
        assertTrue(summary.contains("tls certificate reloaded"), summary);
        assertEquals(second.certificate().getSerialNumber(), tlsClient(at).serverCertificate().getSerialNumber(),
                "a new handshake gets the new certificate");
        assertNotEquals(firstSerial, second.certificate().getSerialNumber());
        checkRelay(before, peer, relay); // the session made before goes on relaying

        Files.writeString(certDir().resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        summary = server.reload(recipe.config());
        assertTrue(summary.contains("NOT reloaded"), summary);
        assertEquals(second.certificate().getSerialNumber(), tlsClient(at).serverCertificate().getSerialNumber(),
                "a broken certificate leaves the old one in place");
    }

    @Test
    void aBadCertificateStopsTheStartWithOneLine() throws Exception {
        Files.createDirectories(dir);
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key\n");
        TlsConfig tls = new TlsConfig(cert, key, List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), false);
        TurnServer.StartException e = assertThrows(TurnServer.StartException.class,
                () -> TurnServer.start(new TestServers().config().withTls(tls)));
        assertTrue(e.getMessage().startsWith("--cert " + cert + ": no PEM certificate"), e.getMessage());
    }

    @Test
    void replacedFilesAreReloadedWithoutASignal() throws Exception {
        assertEquals(1, CertificateTask.CHECK_SECONDS, "run through surefire, which sets turnctl.certificateCheckSeconds=1");
        start(false);
        InetSocketAddress at = server.tlsAddresses().get(0);
        java.math.BigInteger first = tlsClient(at).serverCertificate().getSerialNumber();
        // An ACME client writes new files in place; the modification time moves on.
        Issued renewed = issueLeaf();
        for (String f : new String[] {"cert.pem", "key.pem"}) {
            Files.setLastModifiedTime(certDir().resolve(f), java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        }
        SSLContext trust = trusting(ca);
        assertTrue(Await.until(Duration.ofSeconds(10), () -> {
            try (TestClient c = TestClient.tls(at, trust)) {
                return c.serverCertificate().getSerialNumber().equals(renewed.certificate().getSerialNumber());
            } catch (Exception e) {
                return false;
            }
        }), "the renewed certificate was not picked up");
        assertNotEquals(first, renewed.certificate().getSerialNumber());
    }
}
