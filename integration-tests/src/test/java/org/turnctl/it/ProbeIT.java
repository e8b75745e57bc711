package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.cli.Turnctl;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.Await;
import picocli.CommandLine;

/** The real probe against an in-process turnctl server on loopback: every verdict, produced for real. */
class ProbeIT {
    private static final String REALM = "probe.test";
    private final List<TurnServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        for (TurnServer s : servers) {
            s.close();
        }
    }

    private TurnServer server(int userQuota, List<String> secrets) throws Exception {
        return server(userQuota, secrets, true);
    }

    private TurnServer server(int userQuota, List<String> secrets, boolean allowLoopback) throws Exception {
        TurnServer s = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")),
                secrets, List.of(), List.of(), allowLoopback, userQuota, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM));
        servers.add(s);
        return s;
    }

    private static ProbeOptions options(String user, String password, String realm) {
        return new ProbeOptions(user, password, 0, 0, realm, 5, 2, 0, 2000, Set.of(), 98, -1, -1, false);
    }

    private static String uri(TurnServer s, String transport) {
        return "turn:127.0.0.1:" + s.udpAddresses().get(0).getPort() + "?transport=" + transport;
    }

    private static Map<String, CheckResult> byName(TargetReport r) {
        return r.checks().stream().collect(Collectors.toMap(CheckResult::name, c -> c));
    }

    @Test
    void everyCheckPassesOverUdpAndTcpAndAllocationsAreReleased() throws Exception {
        TurnServer s = server(0, List.of());
        for (String transport : List.of("udp", "tcp")) {
            TargetReport r = Prober.probe(IceServerUri.parse(uri(s, transport)), options("alice", "secret", REALM), n -> { });
            Map<String, CheckResult> c = byName(r);
            assertEquals("pass", r.verdict(), r.toString());
            for (String name : List.of("binding", "auth", "relay", "success")) {
                assertEquals(CheckResult.Status.PASS, c.get(name).status(), name + ": " + c.get(name));
            }
            assertEquals(CheckResult.Status.SKIP, c.get("nat").status());
            assertTrue(c.get("nat").cause().contains("does not support RFC 5780") || transport.equals("tcp"), c.get("nat").cause());
            assertEquals(5, r.success().attempts());
            assertEquals(100.0, r.success().ratePct());
            assertTrue(r.success().rttP50() >= 0);
            awaitNoAllocations(s);
        }
    }

    @Test
    void stunTargetsRunBindingAndNatOnly() throws Exception {
        TurnServer s = server(0, List.of());
        TargetReport r = Prober.probe(IceServerUri.parse("stun:127.0.0.1:" + s.udpAddresses().get(0).getPort()),
                options(null, null, null), n -> { });
        assertEquals("pass", r.verdict());
        assertEquals(Set.of("binding", "nat"), byName(r).keySet());
    }

    @Test
    void failureCausesAreNamed() throws Exception {
        TurnServer s = server(0, List.of("the-secret"));
        IceServerUri u = IceServerUri.parse(uri(s, "udp"));

        TargetReport wrong = Prober.probe(u, options("alice", "wrong", null), n -> { });
        assertEquals("fail", wrong.verdict());
        assertTrue(byName(wrong).get("auth").cause().startsWith("credentials rejected"), byName(wrong).get("auth").cause());
        assertEquals(CheckResult.Status.SKIP, byName(wrong).get("relay").status());

        TargetReport realm = Prober.probe(u, options("alice", "secret", "other.realm"), n -> { });
        assertEquals("server offered realm probe.test, expected other.realm", byName(realm).get("auth").cause());

        long expiry = System.currentTimeMillis() / 1000 + 600;
        String restUser = expiry + ":bob";
        ProbeOptions wrongSecret = new ProbeOptions(restUser,
                org.turnctl.stun.codec.RestCredentials.password("not-the-secret".getBytes(), restUser), expiry, 600, null, 2, 1, 0, 2000,
                Set.of(), 98, -1, -1, false);
        String cause = byName(Prober.probe(u, wrongSecret, n -> { })).get("auth").cause();
        assertTrue(cause.contains("shared secret is wrong or the server's clock is more than 600 s ahead"), cause);

        ProbeOptions rightSecret = new ProbeOptions(restUser,
                org.turnctl.stun.codec.RestCredentials.password("the-secret".getBytes(), restUser), expiry, 600, null, 2, 1, 0, 2000,
                Set.of(), 98, -1, -1, false);
        assertEquals("pass", Prober.probe(u, rightSecret, n -> { }).verdict());

        String old = (System.currentTimeMillis() / 1000 - 60) + ":bob";
        TargetReport expired = Prober.probe(u, options(old, "whatever", null), n -> { });
        assertTrue(byName(expired).get("auth").cause().contains("expired") && byName(expired).get("auth").cause()
                .contains("not sent to the server"), byName(expired).get("auth").cause());
        awaitNoAllocations(s);
    }

    @Test
    void refusedPeerIsNamed() throws Exception {
        TurnServer s = server(0, List.of(), false); // the probe's own address, 127.0.0.1, is a refused peer
        TargetReport r = Prober.probe(IceServerUri.parse(uri(s, "udp")), options("alice", "secret", null), n -> { });
        CheckResult relay = byName(r).get("relay");
        // Issue 10: a loopback reflexive address is never a real peer's, so the server's refusal is a
        // warning that names what was refused and why it is expected, not a failure.
        assertEquals(CheckResult.Status.WARN, relay.status(), relay.cause());
        assertTrue(relay.cause().contains("refuses this probe's own reflexive address 127.0.0.1:")
                && relay.cause().contains("(403), as a safe peer policy should: a loopback address"), relay.cause());
        assertEquals("pass", r.verdict(), "the newcomer's first run passes");
        assertEquals(CheckResult.Status.PASS, byName(r).get("success").status(), "relay to relay still works");
        awaitNoAllocations(s);
    }

    @Test
    void quotaIsNamed() throws Exception {
        TurnServer s = server(1, List.of());
        TargetReport r = Prober.probe(IceServerUri.parse(uri(s, "udp")), options("alice", "secret", null), n -> { });
        assertEquals(CheckResult.Status.PASS, byName(r).get("auth").status(), "one allocation is within the quota");
        assertTrue(byName(r).get("relay").cause().contains("quota reached (486)"), byName(r).get("relay").cause());
        assertTrue(r.success().failures().containsKey("quota"), r.success().failures().toString());
        awaitNoAllocations(s);
    }

    @Test
    void closedPortIsUnreachable() throws Exception {
        int port;
        try (DatagramSocket d = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = d.getLocalPort();
        }
        TargetReport r = Prober.probe(IceServerUri.parse("turn:127.0.0.1:" + port), options("a", "b", null), n -> { });
        assertEquals("unreachable", r.verdict());
        assertEquals(3, r.exitCode().code());
        assertTrue(byName(r).get("binding").cause().contains("nothing listens"), byName(r).get("binding").cause());
    }

    @Test
    void theIceCheckConnectsTwoAgentsRelayToRelay() throws Exception {
        TurnServer s = server(0, List.of());
        ProbeOptions o = new ProbeOptions("alice", "secret", 0, 0, null, 1, 1, 0, 2000, Set.of("ice"), 98, -1, -1, true);
        TargetReport r = Prober.probe(IceServerUri.parse(uri(s, "udp")), o, n -> { });
        CheckResult ice = byName(r).get("ice");
        assertEquals(CheckResult.Status.PASS, ice.status(), ice.cause());
        assertTrue(ice.cause().contains("relay/relay"), ice.cause());
        assertEquals(100L, ((Number) ice.details().get("echoed")).longValue());
        awaitNoAllocations(s);
    }

    @Test
    void udpBlockedButTcpAnsweringIsSaidInWords() throws Exception {
        // A STUN server on TCP only: UDP to the same port gets nothing.
        try (java.net.ServerSocket tcpOnly = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> {
                try (java.net.Socket c = tcpOnly.accept()) {
                    java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
                    while (true) { // every Binding on the connection, until the probe closes it
                        byte[] head = new byte[20];
                        in.readFully(head);
                        byte[] body = new byte[((head[2] & 0xFF) << 8) | (head[3] & 0xFF)];
                        in.readFully(body);
                        byte[] all = new byte[20 + body.length];
                        System.arraycopy(head, 0, all, 0, 20);
                        System.arraycopy(body, 0, all, 20, body.length);
                        org.turnctl.stun.StunMessage req = org.turnctl.stun.codec.StunCodec.decode(all);
                        org.turnctl.stun.StunMessage resp = req.successResponse()
                                .add(new org.turnctl.stun.attr.XorMappedAddress((InetSocketAddress) c.getRemoteSocketAddress())).build();
                        io.netty.buffer.ByteBuf b = org.turnctl.stun.codec.StunCodec.encode(resp, org.turnctl.stun.codec.Protection.NONE,
                                io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
                        c.getOutputStream().write(io.netty.buffer.ByteBufUtil.getBytes(b));
                        b.release();
                        c.getOutputStream().flush();
                    }
                } catch (Exception e) {
                    // the test asserts on what the probe saw
                }
            });
            responder.setDaemon(true);
            responder.start();
            ProbeOptions o = new ProbeOptions("a", "b", 0, 0, null, 1, 1, 0, 1000, Set.of(), 98, -1, -1, false);
            TargetReport r = Prober.probe(IceServerUri.parse("turn:127.0.0.1:" + tcpOnly.getLocalPort()), o, n -> { });
            assertEquals("fail", r.verdict(), r.toString());
            assertEquals("udp-blocked", r.nat().classic());
            assertTrue(byName(r).get("nat").cause().startsWith("UDP is blocked"), byName(r).get("nat").cause());
            assertTrue(byName(r).get("auth").cause().contains("?transport=tcp"), byName(r).get("auth").cause());
            responder.join(5000);
        }
    }

    record Cli(int code, String out, String err) {
    }

    static Cli cli(String... args) {
        CommandLine cl = Turnctl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Cli(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void cliExitCodesJsonAndJUnitXml(@TempDir Path dir) throws Exception {
        TurnServer s = server(0, List.of());
        String good = uri(s, "udp");
        Path xml = dir.resolve("probe.xml");
        Cli ok = cli("probe", good, "--user", "alice", "--password", "secret", "--count", "4", "--format", "json",
                "--junit-xml", xml.toString(), "--progress", "never");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        Set<String> fields = jsonFields(ok.out());
        for (String f : List.of("targets", "uri", "verdict", "checks", "name", "status", "cause", "durationMs", "nat",
                "success", "attempts", "succeeded", "rate", "failures", "rttMs", "p50", "p90", "p99", "lossPct", "jitterMs")) {
            assertTrue(fields.contains(f), f + " missing: " + ok.out());
        }
        String junit = Files.readString(xml);
        assertTrue(junit.contains("<testcase") && junit.contains("name=\"relay\""), junit);

        Cli wrong = cli("probe", good, "--user", "alice", "--password", "nope", "--count", "2", "--progress", "never");
        assertEquals(1, wrong.code());
        assertTrue(wrong.out().startsWith("FAIL"), wrong.out());

        Cli threshold = cli("probe", good, "--user", "alice", "--password", "secret", "--count", "3", "--max-rtt", "0.000001",
                "--checks", "success", "--progress", "never");
        assertEquals(1, threshold.code(), threshold.out());
        assertTrue(threshold.out().contains("above --max-rtt"), threshold.out());

        int closed;
        try (DatagramSocket d = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = d.getLocalPort();
        }
        Cli mixed = cli("probe", good, "turn:127.0.0.1:" + closed, "--user", "alice", "--password", "nope", "--count", "1",
                "--timeout", "1s", "--progress", "never");
        assertEquals(3, mixed.code(), "unreachable (3) outranks a failed check (1)");

        for (String[] bad : List.of(new String[] {"probe", "turn:"}, new String[] {"probe", "turn:h?transport=sctp", "--user", "a", "--password", "b"},
                new String[] {"probe", good}, new String[] {"probe", "stuns:127.0.0.1?transport=udp", "--user", "a", "--password", "b"},
                new String[] {"probe", good, "--user", "a", "--password", "b", "--checks", "bogus"},
                new String[] {"probe", good, "--user", "a", "--password", "b", "--timeout", "soon"})) {
            Cli r = cli(bad);
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
        awaitNoAllocations(s);
    }

    private static Set<String> jsonFields(String json) throws Exception {
        Set<String> names = new HashSet<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    names.add(p.currentName());
                }
            }
        }
        return names;
    }

    /** Releases are sent before the probe returns; the server deletes on receipt. Bounded wait. */
    static void awaitNoAllocations(TurnServer s) {
        Await.until(Duration.ofSeconds(5), () -> s.allocationCount() == 0);
        assertEquals(0, s.allocationCount(), "every allocation the probe made was deleted");
    }
}
