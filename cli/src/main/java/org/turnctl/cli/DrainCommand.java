package org.turnctl.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code turnctl drain}: starts a running server's drain through its admin API, and with --wait sees it through. */
@Command(name = "drain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Start a drain of a running server (as SIGTERM with --drain-timeout): new clients go to an "
                + "alternate, the calls there end on their own, then the server exits.",
            "With --wait, return when the server has exited (at most --wait-limit)."})
final class DrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    AdminClient admin;

    @Option(names = "--wait", description = "Wait until the server has drained and exited.")
    boolean waitForExit;

    @Option(names = "--wait-limit", defaultValue = "3600", paramLabel = "SECONDS",
            description = "How long --wait waits at most (default ${DEFAULT-VALUE}).")
    long waitLimit;

    @Override
    public Integer call() {
        try {
            AdminClient.Answer a = admin.call("POST", "/admin/drain");
            if (a.status() != 202) {
                return SessionsCommand.refused(spec, a, "drain");
            }
            spec.commandLine().getOut().println("draining");
            spec.commandLine().getOut().flush();
            if (!waitForExit) {
                return ExitCode.OK.code();
            }
            long deadline = System.nanoTime() + waitLimit * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                try {
                    admin.call("GET", "/admin/status");
                } catch (ConnectException gone) {
                    spec.commandLine().getOut().println("drained: the server has exited");
                    return ExitCode.OK.code();
                }
            }
            spec.commandLine().getErr().println("turnctl drain: still draining after " + waitLimit + " s");
            return ExitCode.CHECK_FAILED.code();
        } catch (IOException | InterruptedException e) {
            return SessionsCommand.failed(spec, e, "drain");
        }
    }
}
