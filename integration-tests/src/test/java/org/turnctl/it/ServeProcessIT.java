package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** {@code turnctl serve} as ops run it: the packaged jar, real signals, its log. */
class ServeProcessIT {

    @Test
    void servesThenExitsZeroOnSigterm() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Path log = Files.createTempFile("serve", ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--listen", "127.0.0.1:" + port, "--user", "alice:sup3r-secret-pw",
                "--realm", "it.test", "--threads", "1", "--metrics-listen", "127.0.0.1:" + metricsPort, "--log-format", "json")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(500);
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            // Binding until the server is up (bounded: 40 tries of 500 ms).
            StunMessage binding = null;
            for (int i = 0; i < 40 && binding == null; i++) {
                binding = exchange(client, server, StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(),
                        Protection.NONE);
            }
            assertTrue(binding != null, "no Binding answer: " + Files.readString(log));
            assertEquals(client.getLocalSocketAddress(), XorMappedAddress.from(binding).orElseThrow().address());

            // The 401 dance with a wrong password ends in 401 again.
            StunMessage challenge = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(17)).build(), Protection.NONE);
            assertEquals(401, ErrorCode.from(challenge).orElseThrow().code());
            String nonce = Nonce.from(challenge).orElseThrow().value();
            StunMessage wrong = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(17)).add(new Username("alice")).add(new Realm("it.test"))
                    .add(new Nonce(nonce)).build(),
                    Protection.NONE.withIntegrity(Integrity.longTermKeyMd5("alice", "it.test", "wrong")));
            assertEquals(401, ErrorCode.from(wrong).orElseThrow().code());
            StunMessage right = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(17)).add(new Username("alice")).add(new Realm("it.test"))
                    .add(new Nonce(nonce)).build(),
                    Protection.NONE.withIntegrity(Integrity.longTermKeyMd5("alice", "it.test", "sup3r-secret-pw")));
            assertEquals(MessageClass.SUCCESS_RESPONSE, right.messageClass(), right.toString());
        }
        // turnctl health against the running server: healthy, exit 0.
        PackagedJarIT.Run health = PackagedJarIT.run("health", "--url", "http://127.0.0.1:" + metricsPort);
        assertEquals(0, health.code(), health.out() + health.err());
        assertTrue(health.out().startsWith("healthy: /healthz 200, /readyz 200"), health.out());
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "did not exit within 5 s of SIGTERM");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        System.out.println("serve exited 0 " + ms + " ms after SIGTERM");
        assertTrue(out.contains("listening udp"), out);
        assertTrue(out.contains("allocation created user=alice"), out);
        assertTrue(out.contains("allocation deleted user=alice") && out.contains("reason=shutdown"), out);
        assertFalse(out.contains("sup3r-secret-pw"), "the password must never be logged");
        assertFalse(out.contains("Exception"), out);
        // --log-format json: every line is one JSON object with the stable keys.
        java.util.List<String> events = new java.util.ArrayList<>();
        for (String line : out.strip().split("\n")) {
            java.util.Map<String, String> fields = new java.util.HashMap<>();
            try (com.fasterxml.jackson.core.JsonParser jp = new com.fasterxml.jackson.core.JsonFactory().createParser(line)) {
                com.fasterxml.jackson.core.JsonToken t;
                while ((t = jp.nextToken()) != null) {
                    if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String name = jp.currentName();
                        jp.nextToken();
                        fields.put(name, jp.getValueAsString());
                    }
                }
            }
            for (String key : List.of("ts", "level", "event", "logger", "message")) {
                assertTrue(fields.containsKey(key), key + " missing in " + line);
            }
            events.add(fields.get("event"));
            if ("allocation_created".equals(fields.get("event"))) {
                assertEquals("alice", fields.get("user"));
                assertEquals("udp", fields.get("transport"));
                assertTrue(fields.get("relay").startsWith("127.0.0.1:"), line);
                assertEquals("600", fields.get("lifetime"));
            }
            if ("allocation_deleted".equals(fields.get("event"))) {
                assertEquals("shutdown", fields.get("reason"));
            }
        }
        assertTrue(events.containsAll(List.of("started", "allocation_created", "allocation_deleted", "shutting_down", "stopped")),
                events.toString());
        Files.deleteIfExists(log);
        PackagedJarIT.Run down = PackagedJarIT.run("health", "--url", "http://127.0.0.1:" + metricsPort, "--timeout", "1");
        assertEquals(1, down.code(), "a stopped server is unhealthy");
        assertTrue(down.err().startsWith("unhealthy: /healthz unreachable"), down.err());
    }

    @Test
    void sighupReloadsTheConfigFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int tlsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsPort = s.getLocalPort();
        }
        Path certs = dir.resolve("tls");
        SelfSignedCertificate.write(SelfSignedCertificate.create("127.0.0.1", 30), List.of(), certs);
        Path conf = dir.resolve("turnctl.conf");
        Files.writeString(conf, "[serve]\nlisten = 127.0.0.1:" + port + "\nrealm = hup.test\nuser = alice:pw-a\n"
                + "metrics-listen = off\nthreads = 1\ncert = " + certs.resolve("cert.pem") + "\nkey = " + certs.resolve("key.pem")
                + "\ntls-listen = 127.0.0.1:" + tlsPort + "\n");
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Path log = dir.resolve("serve.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--config", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(500);
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            StunMessage challenge = null;
            for (int i = 0; i < 40 && challenge == null; i++) {
                challenge = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                        .add(new RequestedTransport(17)).build(), Protection.NONE);
            }
            assertTrue(challenge != null, Files.readString(log));
            String nonce = Nonce.from(challenge).orElseThrow().value();
            StunMessage bobBefore = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(17)).add(new Username("bob")).add(new Realm("hup.test")).add(new Nonce(nonce))
                    .build(), Protection.NONE.withIntegrity(Integrity.longTermKeyMd5("bob", "hup.test", "pw-b")));
            assertEquals(401, ErrorCode.from(bobBefore).orElseThrow().code());

            InetSocketAddress tls = new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort);
            java.math.BigInteger firstSerial = serverSerial(tls);
            SelfSignedCertificate.Issued renewed = SelfSignedCertificate.create("127.0.0.1", 60);
            SelfSignedCertificate.write(renewed, List.of(), certs);
            Files.writeString(conf, Files.readString(conf) + "user = bob:pw-b\n");
            Process hup = new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start();
            assertEquals(0, hup.waitFor());
            Await.until(Duration.ofSeconds(10), () -> logContains(log, "reload: users +1 -0"));
            assertTrue(Files.readString(log).contains("reload: users +1 -0"), Files.readString(log));
            assertTrue(p.isAlive(), "SIGHUP must not kill the server");
            StunMessage bobAfter = exchange(client, server, StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(17)).add(new Username("bob")).add(new Realm("hup.test")).add(new Nonce(nonce))
                    .build(), Protection.NONE.withIntegrity(Integrity.longTermKeyMd5("bob", "hup.test", "pw-b")));
            assertEquals(MessageClass.SUCCESS_RESPONSE, bobAfter.messageClass(), bobAfter.toString());
            // The same signal reloaded the certificate (logged just after the users): new handshakes get the renewed one.
            Await.until(Duration.ofSeconds(10), () -> logContains(log, "tls certificate reloaded (SIGHUP)"));
            assertTrue(Files.readString(log).contains("tls certificate reloaded (SIGHUP)"), Files.readString(log));
            assertEquals(renewed.certificate().getSerialNumber(), serverSerial(tls));
            assertNotEquals(firstSerial, renewed.certificate().getSerialNumber());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        }
        assertEquals(0, p.exitValue());
        assertFalse(Files.readString(log).contains("pw-b"), "no password in the log");
    }

    private static StunMessage exchange(DatagramSocket client, InetSocketAddress server, StunMessage msg, Protection p)
            throws Exception {
        byte[] bytes = StunCodec.toBytes(msg, p);
        client.send(new DatagramPacket(bytes, bytes.length, server));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            client.receive(in);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        return StunCodec.decode(Arrays.copyOf(buf, in.getLength()));
    }

    /** The serial number of the certificate a TLS handshake gets (trusting anything: only the serial matters). */
    private static java.math.BigInteger serverSerial(InetSocketAddress at) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new org.turnctl.probe.check.TlsOptions.RecordingTrustManager()}, null);
        try (javax.net.ssl.SSLSocket s = org.turnctl.probe.client.TlsConnector.connect(at, "127.0.0.1", 3000, ctx, false)) {
            return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
