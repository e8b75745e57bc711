package org.turnctl.probe.report;

import java.util.List;

/** shared/DESIGN.md exit codes; with several targets the highest-precedence code wins: 4 > 2 > 3 > 1 > 0. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int INTERNAL = 4;

    private static final List<Integer> PRECEDENCE = List.of(INTERNAL, USAGE, UNREACHABLE, FAILED, OK);

    private ExitCode() {
    }

    public static int combine(List<Integer> codes) {
        for (int c : PRECEDENCE) {
            if (codes.contains(c)) {
                return c;
            }
        }
        return OK;
    }

    public static int of(List<TargetReport> reports) {
        return combine(reports.stream().map(TargetReport::exitCode).toList());
    }

    public static String overallVerdict(List<TargetReport> reports) {
        int code = of(reports);
        return code == OK ? "pass" : code == UNREACHABLE ? "unreachable" : "fail";
    }
}
