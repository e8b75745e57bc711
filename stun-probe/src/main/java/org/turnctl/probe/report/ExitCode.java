package org.turnctl.probe.report;

import java.util.List;

/**
 * The process exit codes of every turnctl command, which CI gates on. With several probe
 * targets the most serious wins: 4 > 2 > 3 > 1 > 0 (an internal or usage error says more about
 * the run than any target's result; an unreachable target more than a failed check).
 */
public enum ExitCode {
    OK(0),
    /** A check failed or a threshold was missed. */
    CHECK_FAILED(1),
    /** A usage or configuration error (picocli's own code for usage errors is 2 as well). */
    USAGE(2),
    /** A target could not be reached (DNS included). */
    UNREACHABLE(3),
    INTERNAL(4);

    private static final List<ExitCode> PRECEDENCE = List.of(INTERNAL, USAGE, UNREACHABLE, CHECK_FAILED, OK);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The most serious of several process exit codes. */
    public static int combine(List<Integer> codes) {
        for (ExitCode c : PRECEDENCE) {
            if (codes.contains(c.code)) {
                return c.code;
            }
        }
        return OK.code;
    }

    /** The exit code of a probe run over these targets. */
    public static int of(List<TargetReport> reports) {
        return combine(reports.stream().map(r -> r.exitCode().code).toList());
    }

    public static String overallVerdict(List<TargetReport> reports) {
        int code = of(reports);
        return code == OK.code ? "pass" : code == UNREACHABLE.code ? "unreachable" : "fail";
    }
}
