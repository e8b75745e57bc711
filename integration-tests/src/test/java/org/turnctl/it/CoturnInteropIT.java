package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Shedding;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.stun.codec.Integrity;

/**
 * Interop with a real third-party client: coturn's turnutils_uclient drives turnctl's server,
 * with turnutils_peer as the echo peer, in every mode coturn users run. Debian's coturn package
 * provides both (.ci/run installs it without starting its server). Random ports, never 3478.
 */
class CoturnInteropIT {
    private static final String REALM = "north.gov";
    private static final String USER = "ninefingers";
    private static final String PASSWORD = "youhavetoberealistic";
    private static final String SECRET = "rest-secret";

    private static TurnServer server;
    private static Process peer;
    private static int peerPort;
    private static Path certDir;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean present = onPath("turnutils_uclient") && onPath("turnutils_peer");
        if (ci) {
            assertTrue(present, "CI must have coturn's turnutils_uclient and turnutils_peer (.ci/run installs them)");
        }
        assumeTrue(present, "coturn's turnutils are not installed; .ci/run installs them");
        InetAddress lo = InetAddress.getLoopbackAddress();
        // TURN over TLS and DTLS with a lab certificate (uclient does not verify it): a TLS
        // listener, TLS detected on the TCP listener, and a DTLS listener.
        certDir = Files.createTempDirectory("turnctl-tls");
        SelfSignedCertificate.write(SelfSignedCertificate.create("127.0.0.1", 1), List.of(), certDir);
        TlsConfig tls = new TlsConfig(certDir.resolve("cert.pem"), certDir.resolve("key.pem"),
                List.of(new InetSocketAddress(lo, 0)), true, List.of(new InetSocketAddress(lo, 0)));
        // Relay addresses of both families, for dual allocations (uclient -Z); the rest allocate IPv4.
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(lo, 0)),
                List.of(lo, InetAddress.getByName("::1")), Map.of(),
                49152, 65535, REALM, Map.of(USER, Integrity.longTermKeyMd5(USER, REALM, PASSWORD)), List.of(SECRET),
                List.of(), List.of(), true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM).withTls(tls));
        try (DatagramSocket probe = new DatagramSocket(0, lo)) {
            peerPort = probe.getLocalPort();
        }
        peer = new ProcessBuilder("turnutils_peer", "-L", "127.0.0.1", "-L", "::1", "-p", String.valueOf(peerPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (certDir != null) {
            for (String f : new String[] {"cert.pem", "key.pem"}) {
                Files.deleteIfExists(certDir.resolve(f));
            }
            Files.deleteIfExists(certDir);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    record Run(int exit, String output) {
        long sent() {
            return group("tot_send_msgs=(\\d+), tot_recv_msgs=\\d+");
        }

        long received() {
            return group("tot_send_msgs=\\d+, tot_recv_msgs=(\\d+)");
        }

        String lossLine() {
            Matcher m = Pattern.compile("Total lost packets (\\d+) \\(([0-9.]+)%\\)").matcher(output);
            String last = null;
            while (m.find()) {
                last = m.group(0);
            }
            return last;
        }

        String rttLine() {
            Matcher m = Pattern.compile("Average round trip delay [^\\n]*").matcher(output);
            String last = null;
            while (m.find()) {
                last = m.group(0);
            }
            return last;
        }

        private long group(String regex) {
            Matcher m = Pattern.compile(regex).matcher(output);
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            return last;
        }
    }

    private static Run uclient(String... flags) throws IOException, InterruptedException {
        return uclientOn(server.udpAddresses().get(0).getPort(), flags);
    }

    private static Run uclientOn(int port, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-e", "127.0.0.1", "-r", String.valueOf(peerPort), "-p", String.valueOf(port), "127.0.0.1"));
        Path log = Files.createTempFile("uclient", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("uclient did not finish in 90 s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void assertLossless(String mode, Run r) {
        assertEquals(0, r.exit(), mode + ":\n" + tail(r.output()));
        assertEquals(500, r.sent(), mode + ":\n" + tail(r.output()));
        assertEquals(500, r.received(), mode + ": every echo came back\n" + tail(r.output()));
        assertTrue(r.lossLine() != null && r.lossLine().startsWith("Total lost packets 0 "), mode + ": " + r.lossLine());
        assertTrue(!r.output().contains("Cannot complete Allocation"), mode);
        System.out.printf("uclient %-22s sent %d received %d; %s; %s%n", mode, r.sent(), r.received(), r.lossLine(), r.rttLine());
    }

    private static String tail(String s) {
        return s.length() < 3000 ? s : s.substring(s.length() - 3000);
    }

    private static final String[] LOAD = {"-m", "10", "-n", "50", "-l", "120"};

    private static String[] with(String... flags) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(LOAD));
        return all.toArray(new String[0]);
    }

    /**
     * A draining relay answers Allocate with 300 Try Alternate; uclient takes ALTERNATE-SERVER from
     * it and makes its real allocations, and relays everything, on the alternate (this suite's server).
     */
    @Test
    void uclientFollowsTryAlternateFromADrainingServer() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        InetSocketAddress alternate = server.udpAddresses().get(0);
        TurnServer draining = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(lo, 0)), List.of(lo), Map.of(),
                49152, 65535, REALM, Map.of(USER, Integrity.longTermKeyMd5(USER, REALM, PASSWORD)), List.of(), List.of(), List.of(),
                true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM).withShedding(new Shedding(
                List.of(new Shedding.Alternate("127.0.0.1", alternate)), 0)));
        try {
            draining.drain();
            Run r = uclientOn(draining.udpAddresses().get(0).getPort(), with("-u", USER, "-w", PASSWORD));
            assertTrue(r.output().contains("error 300"), "the draining server sent it on:\n" + tail(r.output()));
            assertLossless("followed 300", r);
            assertEquals(0, draining.allocationCount(), "nothing allocated on the draining server");
        } finally {
            draining.close();
        }
    }

    @Test
    void udpWithChannels() throws Exception {
        assertLossless("udp channels", uclient(with("-u", USER, "-w", PASSWORD)));
    }

    @Test
    void udpWithSendIndications() throws Exception {
        assertLossless("udp send (-s)", uclient(with("-s", "-u", USER, "-w", PASSWORD)));
    }

    @Test
    void tcp() throws Exception {
        assertLossless("tcp (-t)", uclient(with("-t", "-u", USER, "-w", PASSWORD)));
    }

    @Test
    void tlsOverTcp() throws Exception {
        assertLossless("tls (-S -t)", uclientOn(server.tlsAddresses().get(0).getPort(), with("-S", "-t", "-u", USER, "-w", PASSWORD)));
    }

    @Test
    void tlsDetectedOnTheTcpListener() throws Exception {
        assertLossless("tls on the tcp port", uclientOn(server.tcpAddresses().get(0).getPort(),
                with("-S", "-t", "-u", USER, "-w", PASSWORD)));
        assertLossless("tcp on the same port", uclient(with("-t", "-u", USER, "-w", PASSWORD)));
    }

    /**
     * DTLS (-S over UDP). uclient picks a protocol context at random per connection, DTLS 1.0
     * among them, which turnctl refuses (DTLS 1.2 only); an AEAD suite that only DTLS 1.2 has
     * (-F) keeps every connection on 1.2.
     */
    @Test
    void dtls() throws Exception {
        assertLossless("dtls (-S)", uclientOn(server.dtlsAddresses().get(0).getPort(),
                with("-S", "-F", "ECDHE-ECDSA-AES128-GCM-SHA256", "-u", USER, "-w", PASSWORD)));
    }

    /** RFC 6062 TCP allocations: -T is client to client (-y), each Connects to the other's relayed address. */
    @Test
    void tcpRelay() throws Exception {
        assertLossless("tcp relay (-T)", uclient(with("-T", "-u", USER, "-w", PASSWORD)));
    }

    /** RFC 8656 dual allocation: coturn's uclient sends ADDITIONAL-ADDRESS-FAMILY at its draft code point 0x8032. */
    @Test
    void dualAllocation() throws Exception {
        assertLossless("udp dual (-Z)", uclient(with("-Z", "-u", USER, "-w", PASSWORD)));
    }

    @Test
    void restCredentials() throws Exception {
        assertLossless("udp REST (-W)", uclient(with("-W", SECRET, "-u", "alice")));
    }

    @Test
    void wrongPasswordFails() throws Exception {
        Run r = uclient("-u", USER, "-w", "not-" + PASSWORD, "-m", "1", "-n", "5");
        assertNotEquals(0, r.exit(), tail(r.output()));
        assertTrue(r.output().contains("Cannot complete Allocation"), tail(r.output()));
        Run rest = uclient("-W", "wrong-secret", "-u", "alice", "-m", "1", "-n", "5");
        assertNotEquals(0, rest.exit(), tail(rest.output()));
    }
}
