package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.TlsOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.JsonReport;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.server.tls.SelfSignedCertificate.Issued;
import org.turnctl.stun.codec.Integrity;

/**
 * The probe over turns: against turnctl serve: every check passes through TLS with a private CA,
 * and each certificate problem operators meet is produced by a real server with the matching
 * certificate and named by the tls check.
 */
class TlsProbeIT {
    private static final String REALM = "tls.test";
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private Issued root;
    private Issued intermediate;
    private TurnServer server;

    @BeforeEach
    void authorities() {
        root = SelfSignedCertificate.authority("turnctl test root", null, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(3650)));
        intermediate = SelfSignedCertificate.authority("turnctl test intermediate", root, NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(1000)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Issued leaf(String host, Instant from, Instant until) {
        return SelfSignedCertificate.leaf(host, intermediate, from, until);
    }

    private Issued goodLeaf() {
        return leaf("127.0.0.1", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
    }

    /** Starts a server whose TLS port presents {@code leaf} followed by {@code above}; returns the turns: URI. */
    private String serve(Issued leaf, List<java.security.cert.X509Certificate> above) throws Exception {
        Path certs = Files.createTempDirectory(dir, "certs");
        SelfSignedCertificate.write(leaf, above, certs);
        InetAddress lo = InetAddress.getLoopbackAddress();
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(lo, 0)), List.of(), Map.of(), 49152, 65535,
                REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "pw")), List.of(), List.of(), List.of(), true,
                0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM).withTls(new TlsConfig(certs.resolve("cert.pem"),
                certs.resolve("key.pem"), List.of(new InetSocketAddress(lo, 0)), false, List.of(new InetSocketAddress(lo, 0)))));
        return "turns:127.0.0.1:" + server.tlsAddresses().get(0).getPort();
    }

    private Path rootFile() throws Exception {
        return Files.writeString(dir.resolve("root.pem"), SelfSignedCertificate.pem(List.of(root.certificate())));
    }

    private static ProbeOptions options(TlsOptions tls) {
        return new ProbeOptions("alice", "pw", 0, 0, null, 4, 2, 0, 3000, Set.of(), 98, -1, -1, false, tls);
    }

    private static Map<String, CheckResult> byName(TargetReport r) {
        Map<String, CheckResult> m = new LinkedHashMap<>();
        r.checks().forEach(c -> m.put(c.name(), c));
        return m;
    }

    private TargetReport probe(String uri, TlsOptions tls) throws Exception {
        return Prober.probe(IceServerUri.parse(uri), options(tls), n -> { });
    }

    @Test
    void everyCheckPassesOverTlsWithAPrivateCa() throws Exception {
        String uri = serve(goodLeaf(), List.of(intermediate.certificate()));
        TargetReport r = probe(uri, new TlsOptions(rootFile(), false, 14));
        assertEquals("pass", r.verdict(), r.checks().toString());
        Map<String, CheckResult> c = byName(r);
        for (String name : List.of("tls", "binding", "auth", "relay", "success")) {
            assertEquals(CheckResult.Status.PASS, c.get(name).status(), name + ": " + c.get(name).cause());
        }
        assertTrue(r.tls().verified());
        assertNull(r.tls().cause());
        assertEquals("stun.turn", r.tls().alpn());
        assertTrue(r.tls().version().startsWith("TLSv1."), r.tls().version());
        assertEquals(2, r.tls().chain().size(), "leaf and intermediate, as sent");
        assertEquals(List.of("127.0.0.1"), r.tls().chain().get(0).sans());
        assertTrue(r.tls().daysLeft() >= 88 && r.tls().daysLeft() <= 90, String.valueOf(r.tls().daysLeft()));
        StringWriter json = new StringWriter();
        JsonReport.write(List.of(r), json);
        assertTrue(json.toString().contains("\"tls\" : {"), json.toString());
        assertTrue(json.toString().contains("\"verified\" : true"), json.toString());
        assertEquals(0, r.exitCode().code());
    }

    private void assertCause(TargetReport r, String cause, String... words) {
        CheckResult tls = byName(r).get("tls");
        assertEquals(CheckResult.Status.FAIL, tls.status(), tls.cause());
        assertNotNull(r.tls(), tls.cause());
        assertEquals(cause, r.tls().cause(), tls.cause());
        assertTrue(tls.cause().startsWith(cause + ":"), tls.cause());
        for (String w : words) {
            assertTrue(tls.cause().contains(w), tls.cause());
        }
        assertEquals("fail", r.verdict());
        assertEquals(1, r.exitCode().code());
        assertEquals(CheckResult.Status.SKIP, byName(r).get("auth").status(), "nothing runs over a refused certificate");
    }

    @Test
    void expired() throws Exception {
        String uri = serve(leaf("127.0.0.1", NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(2))),
                List.of(intermediate.certificate()));
        TargetReport r = probe(uri, new TlsOptions(rootFile(), false, 14));
        assertCause(r, "expired", "expired on");
        assertTrue(r.tls().daysLeft() < 0);
    }

    @Test
    void notYetValid() throws Exception {
        String uri = serve(leaf("127.0.0.1", NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(90))),
                List.of(intermediate.certificate()));
        assertCause(probe(uri, new TlsOptions(rootFile(), false, 14)), "not-yet-valid");
    }

    @Test
    void hostnameMismatchNamesTheSans() throws Exception {
        String uri = serve(leaf("turn.example.org", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90))),
                List.of(intermediate.certificate()));
        assertCause(probe(uri, new TlsOptions(rootFile(), false, 14)), "hostname-mismatch", "turn.example.org", "not 127.0.0.1");
    }

    @Test
    void unknownCa() throws Exception {
        String uri = serve(goodLeaf(), List.of(intermediate.certificate()));
        // The JVM's trust store does not know the test root.
        assertCause(probe(uri, TlsOptions.DEFAULT), "unknown-ca", "turnctl test root");
    }

    @Test
    void incompleteChain() throws Exception {
        String uri = serve(goodLeaf(), List.of()); // the intermediate is not sent
        assertCause(probe(uri, new TlsOptions(rootFile(), false, 14)), "incomplete-chain", "turnctl test intermediate");
    }

    @Test
    void selfSigned() throws Exception {
        String uri = serve(SelfSignedCertificate.create("127.0.0.1", 30), List.of());
        assertCause(probe(uri, new TlsOptions(rootFile(), false, 14)), "self-signed");
    }

    @Test
    void expiresSoonAgainstMinCertDays() throws Exception {
        String uri = serve(goodLeaf(), List.of(intermediate.certificate()));
        assertCause(probe(uri, new TlsOptions(rootFile(), false, 120)), "expires-soon", "--min-cert-days 120");
    }

    @Test
    void insecureWarnsAndRunsEveryCheck() throws Exception {
        String uri = serve(SelfSignedCertificate.create("127.0.0.1", 30), List.of());
        TargetReport r = probe(uri, new TlsOptions(null, true, 14));
        assertEquals(CheckResult.Status.WARN, byName(r).get("tls").status());
        assertEquals("insecure", r.tls().cause());
        assertEquals(CheckResult.Status.PASS, byName(r).get("relay").status(), byName(r).get("relay").cause());
        assertEquals("pass", r.verdict(), "a warning does not fail the target");
    }

    @Test
    void noTlsOnAPlainPort() throws Exception {
        serve(goodLeaf(), List.of(intermediate.certificate()));
        String plain = "turns:127.0.0.1:" + server.tcpAddresses().get(0).getPort();
        assertCause(probe(plain, new TlsOptions(rootFile(), false, 14)), "no-tls", "plain STUN");
    }

    @Test
    void handshakeFailedNamesTheAlert() throws Exception {
        // A TLS 1.2 server whose only cipher suite needs a DSA key, which its EC certificate is
        // not: it can agree on nothing and answers the ClientHello with a fatal alert.
        Issued leaf = goodLeaf();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", leaf.keys().getPrivate(), new char[0], new java.security.cert.Certificate[] {leaf.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            ss.setEnabledProtocols(new String[] {"TLSv1.2"});
            ss.setEnabledCipherSuites(new String[] {"TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"});
            Thread accept = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(3000);
                    s.startHandshake();
                } catch (Exception expected) {
                    // the handshake fails: that is the point
                }
            });
            accept.start();
            ProbeOptions o = new ProbeOptions("alice", "pw", 0, 0, null, 4, 2, 0, 3000, Set.of(), 98, -1, -1, false,
                    new TlsOptions(rootFile(), false, 14));
            TargetReport r = Prober.probe(IceServerUri.parse("turns:127.0.0.1:" + ss.getLocalPort()), o, n -> { });
            accept.join(5000);
            CheckResult tls = byName(r).get("tls");
            assertEquals(CheckResult.Status.FAIL, tls.status());
            assertTrue(tls.cause().startsWith("handshake-failed: the server sent the TLS alert "), tls.cause());
            assertEquals("handshake-failed", r.tls().cause());
        }
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TargetReport r = probe("turns:127.0.0.1:" + port, TlsOptions.DEFAULT);
        assertEquals("unreachable", r.verdict(), r.checks().toString());
        assertEquals(3, r.exitCode().code());
    }

    /** The probe judges another server the same way: coturn's turnserver with --cert/--pkey, started here only. */
    @Test
    void passesAgainstCoturnOverTls() throws Exception {
        Coturn.assumeInstalled();
        Path certs = Files.createTempDirectory(dir, "coturn");
        SelfSignedCertificate.write(goodLeaf(), List.of(intermediate.certificate()), certs);
        int plain = Coturn.freePort();
        int tls = Coturn.freePort();
        try (Coturn coturn = Coturn.start(dir, tls, "--listening-port=" + plain, "--tls-listening-port=" + tls,
                "--cert=" + certs.resolve("cert.pem"), "--pkey=" + certs.resolve("key.pem"), "--realm=" + REALM,
                "--user=alice:pw", "--lt-cred-mech", "--allow-loopback-peers", "--no-dtls", "--min-port=50000",
                "--max-port=50999")) {
            TargetReport r = probe("turns:127.0.0.1:" + tls, new TlsOptions(rootFile(), false, 14));
            assertEquals("pass", r.verdict(), r.checks() + "\n" + coturn.log());
            assertTrue(r.tls().verified());
            assertEquals(2, r.tls().chain().size());
        }
    }

    private String dtlsUri() {
        return "turns:127.0.0.1:" + server.dtlsAddresses().get(0).getPort() + "?transport=udp";
    }

    @Test
    void everyCheckPassesOverDtls() throws Exception {
        serve(goodLeaf(), List.of(intermediate.certificate()));
        TargetReport r = probe(dtlsUri(), new TlsOptions(rootFile(), false, 14));
        assertEquals("pass", r.verdict(), r.checks().toString());
        Map<String, CheckResult> c = byName(r);
        for (String name : List.of("tls", "binding", "auth", "relay", "success")) {
            assertEquals(CheckResult.Status.PASS, c.get(name).status(), name + ": " + c.get(name).cause());
        }
        assertEquals("DTLSv1.2", r.tls().version());
        assertTrue(r.tls().verified());
        assertEquals(2, r.tls().chain().size());
    }

    @Test
    void dtlsNamesTheCertificateProblemToo() throws Exception {
        serve(leaf("turn.example.org", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90))),
                List.of(intermediate.certificate()));
        assertCause(probe(dtlsUri(), new TlsOptions(rootFile(), false, 14)), "hostname-mismatch", "turn.example.org");
        String plainUdp = "turns:127.0.0.1:" + server.udpAddresses().get(0).getPort() + "?transport=udp";
        ProbeOptions quick = new ProbeOptions("alice", "pw", 0, 0, null, 2, 1, 0, 1500, Set.of(), 98, -1, -1, false,
                new TlsOptions(rootFile(), false, 14));
        TargetReport noTls = Prober.probe(IceServerUri.parse(plainUdp), quick, n -> { });
        assertEquals("no-tls", noTls.tls().cause(), noTls.checks().toString());
    }
}
