package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;

/**
 * An IPv6-only relay (listening and relaying on ::1 only), as on an IPv6-only host: third-party
 * clients that ask for no family get IPv6 relays from turnctl; the probe names coturn's 440 in
 * words and passes with --family ipv6; and no output prints an IPv6 address long-hand.
 */
class Ipv6OnlyIT {
    private static final String REALM = "v6.test";
    private static final InetAddress V6 = v6();
    /** An IPv6 address written out in full ("0:0:0:0:0:0:0:1") or with Java's "/" prefix: never in turnctl's output. */
    private static final Pattern LONG_HAND = Pattern.compile("(?<![0-9a-fA-F:])0:0:0:0:|/(?:[0-9a-f]{1,4}:){2,}|/::");

    private static InetAddress v6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TurnServer v6OnlyServer() throws Exception {
        return TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(V6, 0)), List.of(V6), Map.of(), 49152, 65535, REALM,
                Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")), List.of(), List.of(), List.of(), true, 0, 0,
                3600, 600, false, 1, null, TimeSource.SYSTEM));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** uclient with and without -x (IPv6 relay requested): both relay through an IPv6-only turnctl to an echo peer on ::1. */
    @Test
    void uclientRelaysThroughAnIpv6OnlyServerWithAndWithoutAFamily() throws Exception {
        Coturn.assumeInstalled();
        DeploymentFilesIT.requireTool("turnutils_uclient");
        TurnServer server = v6OnlyServer();
        int peerPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            peerPort = probe.getLocalPort();
        }
        Process peer = new ProcessBuilder("turnutils_peer", "-L", "::1", "-p", String.valueOf(peerPort)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (List<String> family : List.of(List.<String>of(), List.of("-x"))) {
                List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-u", "alice", "-w", "secret", "-m", "2", "-n", "20",
                        "-l", "120"));
                cmd.addAll(family);
                cmd.addAll(List.of("-e", "::1", "-r", String.valueOf(peerPort), "-p", String.valueOf(server.udpAddresses().get(0).getPort()),
                        "::1"));
                DeploymentFilesIT.Run r = DeploymentFilesIT.exec(cmd);
                String mode = family.isEmpty() ? "no family" : "-x";
                assertEquals(0, r.code(), mode + ":\n" + r.output());
                assertTrue(r.output().contains("tot_send_msgs=40, tot_recv_msgs=40"), mode + ": every echo back\n" + r.output());
                assertFalse(r.output().contains("error 440"), mode + ": " + r.output());
            }
        } finally {
            peer.destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    /** coturn on ::1 only answers a browser-style Allocate with 440: the probe says why, in words and as a key; --family ipv6 passes. */
    @Test
    void theProbeNamesCoturns440AndPassesWithFamilyIpv6(@TempDir Path dir) throws Exception {
        Coturn.assumeInstalled();
        int port = Coturn.freePort();
        try (Coturn coturn = Coturn.startOn(V6, dir, port, "--listening-port=" + port, "--realm=" + REALM, "--user=alice:secret",
                "--lt-cred-mech", "--allow-loopback-peers", "--no-tls", "--no-dtls", "--min-port=49152", "--max-port=65535")) {
            String target = "turn:[::1]:" + port;
            ProbeIT.Cli browser = ProbeIT.cli("probe", target, "--user", "alice", "--password", "secret", "--count", "2",
                    "--checks", "auth", "--format", "json", "--progress", "never");
            assertEquals(1, browser.code(), browser.out() + browser.err() + coturn.log());
            assertTrue(browser.out().contains("\"causeKey\" : \"no-relay-for-family\"") || browser.out().contains("\"causeKey\":\"no-relay-for-family\""),
                    browser.out());
            assertTrue(browser.out().contains("the relay has no IPv4 relay address; clients that do not ask for a family (all browsers) cannot allocate"),
                    browser.out());
            ProbeIT.Cli v6 = ProbeIT.cli("probe", target, "--user", "alice", "--password", "secret", "--count", "3",
                    "--checks", "auth,relay,success", "--family", "ipv6", "--progress", "never");
            assertEquals(0, v6.code(), v6.out() + v6.err() + coturn.log());
            assertTrue(v6.out().contains("== " + target + " (ipv6): PASS"), v6.out());
            assertFalse(LONG_HAND.matcher(v6.out()).find(), v6.out());
        }
    }

    /** --family both against a dual-stack turnctl: the auth, relay and success checks once per family, side by side. */
    @Test
    void familyBothRunsTheFamilyChecksTwice() throws Exception {
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(V6, 0)),
                List.of(InetAddress.getLoopbackAddress(), V6), Map.of(), 49152, 65535, REALM,
                Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")), List.of(), List.of(), List.of(), true, 0, 0,
                3600, 600, false, 1, null, TimeSource.SYSTEM));
        try {
            String target = "turn:[::1]:" + server.udpAddresses().get(0).getPort();
            ProbeIT.Cli both = ProbeIT.cli("probe", target, "--user", "alice", "--password", "secret", "--count", "2",
                    "--family", "both", "--progress", "never");
            assertEquals(0, both.code(), both.out() + both.err());
            assertTrue(both.out().contains("== " + target + " (ipv4): PASS"), both.out());
            assertTrue(both.out().contains("== " + target + " (ipv6): PASS"), both.out());
            String v6Section = both.out().substring(both.out().indexOf("== " + target + " (ipv6)"));
            assertTrue(v6Section.contains("relay [::1]:"), "the IPv6 run relays on ::1: " + v6Section);
            assertFalse(v6Section.contains("   binding "), "binding runs once, in the first family's run: " + v6Section);
            assertTrue(both.out().substring(0, both.out().indexOf("== " + target + " (ipv6)")).contains("relay 127.0.0.1:"), both.out());
        } finally {
            server.close();
        }
    }

    /**
     * `turnctl serve` on [::1] only, as a process, and the probe's text and JSON about it: every address
     * is compressed (the start line, allocation logs, reports), and the start line says the relay is IPv6 only.
     */
    @Test
    void noOutputPrintsAnIpv6AddressLongHand(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Path log = dir.resolve("serve.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "serve", "--listen", "[::1]:" + port, "--relay-ip", "::1", "--user", "alice:secret", "--realm", REALM,
                "--allow-loopback-peers", "--warmup", "0", "--threads", "1", "--metrics-listen", "off",
                "--external-ip", "2001:db8::5/::1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(org.turnctl.testsupport.Await.until(java.time.Duration.ofSeconds(20),
                    () -> readOr(log).contains("turnctl serve: listening")), readOr(log));
            String target = "turn:[::1]:" + port;
            // Binding and auth only: the advertised relay address is the documentation prefix's, which
            // nothing may send to (the relay and success checks would).
            ProbeIT.Cli text = ProbeIT.cli("probe", target, "--user", "alice", "--password", "secret", "--checks", "binding,auth",
                    "--progress", "never");
            ProbeIT.Cli json = ProbeIT.cli("probe", target, "--user", "alice", "--password", "secret", "--checks", "binding,auth",
                    "--format", "json", "--progress", "never");
            assertEquals(0, text.code(), text.out() + text.err());
            assertTrue(text.out().contains("relay [2001:db8::5]:"), "the external address, advertised: " + text.out());
            String serve = readOr(log);
            assertTrue(serve.contains("allocation created"), serve);
            assertTrue(serve.contains("(IPv6 only: allocations without a family get IPv6)"), serve);
            assertTrue(serve.contains("no IPv4 relay address: allocations without REQUESTED-ADDRESS-FAMILY get IPv6, as browsers need"),
                    serve);
            assertTrue(serve.contains("external 2001:db8::5 for ::1"), serve);
            for (String[] out : new String[][] {{"serve log", serve}, {"probe text", text.out() + text.err()},
                    {"probe json", json.out() + json.err()}}) {
                java.util.regex.Matcher m = LONG_HAND.matcher(out[1]);
                assertFalse(m.find(), out[0] + " prints an IPv6 address long-hand at '"
                        + (m.hitEnd() ? "" : out[1].substring(Math.max(0, m.start() - 40), Math.min(out[1].length(), m.end() + 40))) + "':\n" + out[1]);
            }
            assertTrue(text.out().contains("[::1]:"), text.out());
        } finally {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static String readOr(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
