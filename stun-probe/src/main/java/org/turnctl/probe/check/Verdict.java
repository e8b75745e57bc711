package org.turnctl.probe.check;

import java.util.ArrayList;
import java.util.List;
import org.turnctl.probe.client.IceServerUri;

/**
 * A target's verdict judges the relay. What the probe learned about its own network (subject
 * {@code network}: blocked UDP, a symmetric NAT, no hairpinning) is reported as a warning and does
 * not fail the target, with one exception: a finding the target cannot work without (UDP blocked,
 * for a UDP target). {@code --strict-network} makes every network finding fail, for a pipeline
 * that asserts its own network.
 */
public final class Verdict {

    private Verdict() {
    }

    /** The checks as judged: network failures that the target can live with become warnings; with strict, network warnings fail. */
    public static List<CheckResult> judge(IceServerUri uri, List<CheckResult> checks, boolean strictNetwork) {
        List<CheckResult> judged = new ArrayList<>(checks.size());
        for (CheckResult c : checks) {
            if (!c.subject().equals(CheckResult.NETWORK)) {
                judged.add(c);
            } else if (strictNetwork && c.status() == CheckResult.Status.WARN) {
                judged.add(c.withStatus(CheckResult.Status.FAIL));
            } else if (c.status() == CheckResult.Status.FAIL && !strictNetwork && !needed(uri, c)) {
                judged.add(c.withStatus(CheckResult.Status.WARN));
            } else {
                judged.add(c);
            }
        }
        return judged;
    }

    /** True when the target cannot work without what this network finding says is missing: UDP, for a UDP target. */
    static boolean needed(IceServerUri uri, CheckResult c) {
        return uri.transport() == IceServerUri.Transport.UDP && Boolean.TRUE.equals(c.details().get("udpBlocked"));
    }

    /** pass or fail, from judged checks and missed thresholds (unreachable is decided before any check runs). */
    public static String of(List<CheckResult> judged, List<String> thresholdFailures) {
        boolean failed = judged.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL) || !thresholdFailures.isEmpty();
        return failed ? "fail" : "pass";
    }
}
