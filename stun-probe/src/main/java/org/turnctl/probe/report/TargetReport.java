package org.turnctl.probe.report;

import java.util.List;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.run.SuccessReport;

/**
 * Everything known about one target. {@code verdict} is pass, fail or unreachable; {@code
 * thresholdFailures} lists missed --min-success / --max-rtt / --max-loss thresholds in words.
 */
public record TargetReport(String uri, String verdict, List<CheckResult> checks, NatReport nat, SuccessReport success,
        List<String> thresholdFailures) {

    public ExitCode exitCode() {
        return switch (verdict) {
            case "pass" -> ExitCode.OK;
            case "unreachable" -> ExitCode.UNREACHABLE;
            default -> ExitCode.CHECK_FAILED;
        };
    }
}
