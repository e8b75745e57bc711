package org.turnctl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code turnctl sessions list|kill}: the running server's allocations, through its admin API. */
@Command(name = "sessions", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List or end a running server's allocations (its admin API: serve --admin-token-file).",
        subcommands = {SessionsCommand.ListCommand.class, SessionsCommand.KillCommand.class})
final class SessionsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** One line on stderr and the exit code, for what went wrong talking to the server. */
    static int failed(CommandSpec spec, Exception e, String what) {
        PrintWriter err = spec.commandLine().getErr();
        if (e instanceof ConnectException) {
            err.println("turnctl " + what + ": cannot reach the admin API (is serve running with --admin-token-file?)");
            return ExitCode.UNREACHABLE.code();
        }
        err.println("turnctl " + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        return ExitCode.USAGE.code();
    }

    static int refused(CommandSpec spec, AdminClient.Answer a, String what) {
        spec.commandLine().getErr().println("turnctl " + what + ": the admin API answered " + a.status()
                + (a.status() == 401 ? " (wrong token)" : "") + ": " + a.body().strip());
        return ExitCode.CHECK_FAILED.code();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The allocations, by bytes relayed (most first).")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient admin;

        @Option(names = "--user", paramLabel = "NAME", description = "Only this user's.")
        String user;

        @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "Output (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("text") && !format.equals("json")) {
                spec.commandLine().getErr().println("turnctl sessions list: --format " + format + ": expected text or json");
                return ExitCode.USAGE.code();
            }
            try {
                AdminClient.Answer a = admin.call("GET", "/admin/allocations"
                        + (user == null ? "" : "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)));
                if (a.status() != 200) {
                    return refused(spec, a, "sessions list");
                }
                PrintWriter out = spec.commandLine().getOut();
                if (format.equals("json")) {
                    out.println(a.body());
                } else {
                    List<Map<String, Object>> all = AdminClient.objects(a.body());
                    all.sort(Comparator.comparingLong(SessionsCommand::bytes).reversed());
                    out.printf("%-6s %-16s %-5s %-22s %-44s %7s %12s%n", "id", "user", "via", "client", "relayed", "age", "bytes");
                    for (Map<String, Object> s : all) {
                        out.printf("%-6s %-16s %-5s %-22s %-44s %6ss %12d%n", s.get("id"), s.get("user"), s.get("transport"),
                                s.get("client"), String.join(",", ((List<?>) s.get("relayed")).stream().map(String::valueOf).toList()),
                                s.get("ageSeconds"), bytes(s));
                    }
                    out.println(all.size() + " allocation(s)");
                }
                out.flush();
                return ExitCode.OK.code();
            } catch (IOException | InterruptedException e) {
                return failed(spec, e, "sessions list");
            }
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "End allocations now (their ports are freed).")
    static final class KillCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient admin;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--id", paramLabel = "ID", description = "The allocation's id (sessions list).")
            Long id;
            @Option(names = "--user", paramLabel = "NAME", description = "Every allocation of this user.")
            String user;
        }

        @Override
        public Integer call() {
            try {
                AdminClient.Answer a = admin.call("DELETE", which.id != null ? "/admin/allocations/" + which.id
                        : "/admin/allocations?user=" + URLEncoder.encode(which.user, StandardCharsets.UTF_8));
                if (a.status() == 404) {
                    spec.commandLine().getErr().println("turnctl sessions kill: no such allocation");
                    return ExitCode.CHECK_FAILED.code();
                }
                if (a.status() != 200) {
                    return refused(spec, a, "sessions kill");
                }
                spec.commandLine().getOut().println("ended: " + a.body().strip());
                return ExitCode.OK.code();
            } catch (IOException | InterruptedException e) {
                return failed(spec, e, "sessions kill");
            }
        }
    }

    private static long bytes(Map<String, Object> s) {
        return ((Number) s.getOrDefault("bytesToPeer", 0L)).longValue() + ((Number) s.getOrDefault("bytesToClient", 0L)).longValue();
    }
}
