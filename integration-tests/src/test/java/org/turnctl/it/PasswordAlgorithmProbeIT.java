package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.TlsOptions;
import org.turnctl.probe.client.AuthMode;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;

/** The probe negotiating RFC 8489 section 9.2 with turnctl serve: SHA-256 by default, MD5 on demand, USERHASH when offered. */
class PasswordAlgorithmProbeIT {
    private static final String REALM = "sha.test";
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String serve(boolean userhash) throws Exception {
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM)
                .withSha256(Map.of("alice", Integrity.longTermKeySha256("alice", REALM, "secret")), userhash));
        return "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort();
    }

    private static CheckResult check(String uri, String name, AuthMode auth) throws Exception {
        ProbeOptions o = new ProbeOptions("alice", "secret", 0, 0, null, 2, 1, 0, 2000, Set.of("auth", "relay", "success"), 98,
                -1, -1, false, TlsOptions.DEFAULT, 5, auth);
        TargetReport r = Prober.probe(IceServerUri.parse(uri), o, n -> { });
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void autoNegotiatesSha256AndEveryCheckPasses() throws Exception {
        String uri = serve(false);
        CheckResult auth = check(uri, "auth", AuthMode.AUTO);
        assertEquals(CheckResult.Status.PASS, auth.status(), auth.cause());
        assertEquals("SHA-256", auth.details().get("passwordAlgorithm"));
        assertEquals(CheckResult.Status.PASS, check(uri, "success", AuthMode.AUTO).status());
        assertEquals("MD5", check(uri, "auth", new AuthMode("md5", false)).details().get("passwordAlgorithm"));
    }

    @Test
    void userhashWhenTheServerOffersItAndAClearCauseWhenNot() throws Exception {
        String uri = serve(true);
        CheckResult auth = check(uri, "auth", new AuthMode("sha256", true));
        assertEquals(CheckResult.Status.PASS, auth.status(), auth.cause());
        assertEquals(true, auth.details().get("userhash"));
        assertEquals(CheckResult.Status.PASS, check(uri, "relay", new AuthMode("auto", true)).status());
        server.close();
        String without = serve(false);
        CheckResult refused = check(without, "auth", new AuthMode("auto", true));
        assertEquals(CheckResult.Status.FAIL, refused.status());
        assertTrue(refused.cause().contains("does not offer username anonymity"), refused.cause());
    }

    @Test
    void cliFlagsReachTheProbe() {
        ProbeIT.Cli bad = ProbeIT.cli("probe", "turn:127.0.0.1:1", "--user", "a", "--password", "b", "--password-algorithm", "sha1");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--password-algorithm sha1"), bad.err());
    }
}
