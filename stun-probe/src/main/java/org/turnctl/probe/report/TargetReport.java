package org.turnctl.probe.report;

import java.util.List;
import org.turnctl.probe.acl.AclReport;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.TlsReport;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.run.SuccessReport;

/**
 * Everything known about one target; {@code tls} only for turns:/stuns:. {@code verdict} is pass, fail or unreachable; {@code
 * thresholdFailures} lists missed --min-success / --max-rtt / --max-loss thresholds in words; {@code acl} only
 * when the acl check ran and could ask.
 */
public record TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
        List<String> thresholdFailures, TlsReport tls, AclReport acl) {

    /** Without an acl check. */
    public TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
            List<String> thresholdFailures, TlsReport tls) {
        this(uri, verdict, checks, nat, success, thresholdFailures, tls, null);
    }

    /** A target without TLS (stun:, turn:). */
    public TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
            List<String> thresholdFailures) {
        this(uri, verdict, checks, nat, success, thresholdFailures, null);
    }

    public ExitCode exitCode() {
        return switch (verdict) {
            case "pass" -> ExitCode.OK;
            case "unreachable" -> ExitCode.UNREACHABLE;
            default -> ExitCode.CHECK_FAILED;
        };
    }
}
