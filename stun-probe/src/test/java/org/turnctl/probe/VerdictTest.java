package org.turnctl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.CheckResult.Status;
import org.turnctl.probe.check.Verdict;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.TargetReport;

/** Which findings fail a target: the relay's always, the probe's own network's only when the target needs what is missing. */
class VerdictTest {
    private static final CheckResult UDP_BLOCKED = new CheckResult("nat", Status.FAIL, "UDP is blocked", 1, Map.of("udpBlocked", true));
    private static final CheckResult SYMMETRIC = new CheckResult("nat", Status.WARN, "a symmetric NAT", 1, Map.of());
    private static final CheckResult RELAY_OK = new CheckResult("relay", Status.PASS, "data flows", 1, Map.of());
    private static final CheckResult RELAY_BAD = new CheckResult("relay", Status.FAIL, "no data", 1, Map.of());

    private static String verdict(String uri, boolean strict, CheckResult... checks) {
        return Verdict.of(Verdict.judge(IceServerUri.parse(uri), List.of(checks), strict), List.of());
    }

    @Test
    void subjects() {
        assertEquals(CheckResult.NETWORK, UDP_BLOCKED.subject());
        assertEquals(CheckResult.RELAY, RELAY_OK.subject());
        assertEquals(CheckResult.RELAY, CheckResult.skip("auth", "x").subject());
    }

    @Test
    void blockedUdpFailsOnlyAUdpTarget() {
        assertEquals("pass", verdict("turn:r?transport=tcp", false, UDP_BLOCKED, RELAY_OK));
        assertEquals("pass", verdict("turns:r", false, UDP_BLOCKED, RELAY_OK));
        assertEquals("fail", verdict("turn:r?transport=udp", false, UDP_BLOCKED, RELAY_OK));
        assertEquals("fail", verdict("turn:r?transport=tcp", true, UDP_BLOCKED, RELAY_OK), "--strict-network");
    }

    @Test
    void networkWarningsNeverFailUnlessStrict() {
        assertEquals("pass", verdict("turn:r", false, SYMMETRIC, RELAY_OK));
        assertEquals("fail", verdict("turn:r", true, SYMMETRIC, RELAY_OK));
        List<CheckResult> judged = Verdict.judge(IceServerUri.parse("turn:r?transport=tcp"), List.of(UDP_BLOCKED, SYMMETRIC, RELAY_OK), false);
        TargetReport r = new TargetReport("turn:r?transport=tcp", Verdict.of(judged, List.of()), judged, null, null, List.of());
        assertEquals(List.of("nat: UDP is blocked", "nat: a symmetric NAT"), r.warnings());
    }

    @Test
    void theRelaysFaultsAndThresholdsAlwaysFail() {
        assertEquals("fail", verdict("turn:r?transport=tcp", false, UDP_BLOCKED, RELAY_BAD));
        assertEquals("fail", Verdict.of(List.of(RELAY_OK), List.of("success rate 90% is below --min-success 98%")));
    }
}
