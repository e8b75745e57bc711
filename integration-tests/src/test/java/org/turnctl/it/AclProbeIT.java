package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.probe.Prober;
import org.turnctl.probe.acl.AclReport;
import org.turnctl.probe.acl.PolicyProbeAddresses;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.Await;

/**
 * {@code turnctl probe --checks acl} audits a relay's peer policy: nothing found on turnctl's
 * defaults, exactly loopback with --allow-loopback-peers, and coturn's open defaults (RFC 1918,
 * cloud metadata) when coturn runs without a deny list. The probe only asks for permissions and
 * channels; nothing is sent to any of the addresses.
 */
class AclProbeIT {
    private static final String REALM = "acl.test";
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String serve(boolean allowLoopback) throws Exception {
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")),
                List.of(), List.of(), List.of(), allowLoopback, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM));
        return "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort();
    }

    private static TargetReport probe(String uri) throws Exception {
        return Prober.probe(IceServerUri.parse(uri), new ProbeOptions("alice", "secret", 0, 0, null, 1, 1, 0, 2000,
                Set.of("acl"), 98, -1, -1, false), n -> { });
    }

    private static CheckResult acl(TargetReport r) {
        return r.checks().stream().filter(c -> c.name().equals("acl")).findFirst().orElseThrow();
    }

    @Test
    void turnctlDefaultsAllowNothingInAnySpelling() throws Exception {
        TargetReport r = probe(serve(false));
        assertEquals(CheckResult.Status.PASS, acl(r).status(), acl(r).cause());
        assertEquals("pass", r.verdict());
        AclReport a = r.acl();
        assertNotNull(a);
        assertTrue(a.allowed().isEmpty(), a.allowed().toString());
        assertEquals(0, a.unanswered());
        // Every candidate was put to the relay (IPv6 ones on the IPv4 allocation: this server has no IPv6 relay).
        assertEquals(PolicyProbeAddresses.all().size(), a.tested());
        assertTrue(a.notes().stream().anyMatch(n -> n.contains("no IPv6 relay address")), a.notes().toString());
        Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
        assertEquals(0, server.allocationCount(), "the check deletes its allocations");
    }

    @Test
    void allowLoopbackPeersIsFoundAndNothingElse() throws Exception {
        String uri = serve(true);
        TargetReport r = probe(uri);
        assertEquals(CheckResult.Status.FAIL, acl(r).status());
        assertEquals("fail", r.verdict());
        Set<String> found = r.acl().allowed().stream().map(AclReport.Finding::address).collect(Collectors.toSet());
        assertTrue(found.contains("127.0.0.1"), found.toString());
        assertTrue(r.acl().allowed().stream().allMatch(f -> f.range().startsWith("127.0.0.0/8")), r.acl().allowed().toString());
        assertTrue(acl(r).cause().contains("127.0.0.1 (Loopback"), acl(r).cause());

        ProbeIT.Cli cli = ProbeIT.cli("probe", uri, "--user", "alice", "--password", "secret", "--checks", "acl", "--format",
                "json", "--progress", "never");
        assertEquals(1, cli.code(), cli.out() + cli.err());
        for (String field : List.of("\"acl\"", "\"tested\"", "\"allowed\"", "\"address\" : \"127.0.0.1\"", "\"range\"", "\"risk\"")) {
            assertTrue(cli.out().replace("\":\"", "\" : \"").contains(field), field + " in " + cli.out());
        }
    }

    @Test
    void aclRunsOnlyWhenAskedFor() throws Exception {
        String uri = serve(true);
        ProbeIT.Cli cli = ProbeIT.cli("probe", uri, "--user", "alice", "--password", "secret", "--count", "2", "--progress", "never");
        assertEquals(0, cli.code(), cli.out());
        assertFalse(cli.out().lines().anyMatch(l -> l.strip().startsWith("acl ")), "no acl row: " + cli.out());
        assertTrue(cli.out().lines().anyMatch(l -> l.strip().startsWith("relay ")), cli.out());
    }

    /** coturn without a deny list relays to RFC 1918 and to the cloud metadata address: the probe says so. */
    @Test
    void findsCoturnsOpenDefaults(@TempDir Path dir) throws Exception {
        Coturn.assumeInstalled();
        int port = Coturn.freePort();
        try (Coturn coturn = Coturn.start(dir, port, "--listening-port=" + port, "--realm=" + REALM, "--user=alice:secret",
                "--lt-cred-mech", "--no-tls", "--no-dtls", "--min-port=51000", "--max-port=51999")) {
            TargetReport r = probe("turn:127.0.0.1:" + port + "?transport=tcp");
            assertEquals(CheckResult.Status.FAIL, acl(r).status(), acl(r).cause() + "\n" + coturn.log());
            Set<String> found = r.acl().allowed().stream().map(AclReport.Finding::address).collect(Collectors.toSet());
            for (String open : List.of("10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254")) {
                assertTrue(found.contains(open), open + " not among " + found);
            }
            AclReport.Finding metadata = r.acl().allowed().stream().filter(f -> f.address().equals("169.254.169.254"))
                    .findFirst().orElseThrow();
            assertTrue(metadata.risk().contains("cloud metadata: credentials theft"), metadata.risk());
            assertFalse(found.contains("127.0.0.1"), "coturn denies loopback by default: " + found);
        }
    }
}
