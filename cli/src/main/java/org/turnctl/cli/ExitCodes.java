package org.turnctl.cli;

/** The process exit codes every turnctl command uses (shared/DESIGN.md, CLI conventions). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int CHECK_FAILED = 1;
    /** picocli's default for a usage error is 2 as well. */
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int INTERNAL_ERROR = 4;

    private ExitCodes() {
    }
}
