package org.turnctl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code turnctl} root command: dispatches to subcommands. */
@Command(
        name = "turnctl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "TURN/STUN relay server and NAT-traversal diagnostics.",
            "",
            "Exit codes: 0 all good, 1 a check failed or a threshold was missed,",
            "2 usage or config error, 3 target unreachable, 4 internal error."
        },
        subcommands = {ServeCommand.class, ProbeCommand.class, HealthCommand.class, KeyCommand.class,
            CommandLine.HelpCommand.class})
public final class Turnctl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is, and treat it as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** Builds the command line with turnctl's exit-code conventions. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Turnctl());
        cl.setDefaultValueProvider(new EnvDefaults(System.getenv()));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("turnctl: internal error: " + e);
            return ExitCodes.INTERNAL_ERROR;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
