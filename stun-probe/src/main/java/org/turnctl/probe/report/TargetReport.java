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
 * when the acl check ran and could ask. {@code family} is the REQUESTED-ADDRESS-FAMILY the probe sent
 * (--family): "none" (as browsers), "ipv4" or "ipv6".
 */
public record TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
        List<String> thresholdFailures, TlsReport tls, AclReport acl, String family) {

    public TargetReport {
        if (family == null) {
            family = "none";
        }
    }

    /** Asking for no family. */
    public TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
            List<String> thresholdFailures, TlsReport tls, AclReport acl) {
        this(uri, verdict, checks, nat, success, thresholdFailures, tls, acl, "none");
    }

    /** The same report, of a probe that asked for {@code family}. */
    public TargetReport withFamily(String family) {
        return new TargetReport(uri, verdict, checks, nat, success, thresholdFailures, tls, acl, family);
    }

    /** What the probe found about its own network that did not fail this target: the network checks' warnings, as "check: cause". */
    public List<String> warnings() {
        return checks.stream().filter(c -> c.subject().equals(CheckResult.NETWORK) && c.status() == CheckResult.Status.WARN)
                .map(c -> c.name() + ": " + c.cause()).toList();
    }

    /** How people and metrics name the target: its URI, and the family when one was asked for. */
    public String label() {
        return label(uri, family);
    }

    public static String label(String uri, String family) {
        return family == null || family.equals("none") ? uri : uri + " (" + family + ")";
    }

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
