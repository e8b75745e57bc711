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
        subcommands = {ServeCommand.class, ProbeCommand.class, HealthCommand.class, KeyCommand.class, ConfigCommand.class,
            CommandLine.HelpCommand.class})
public final class Turnctl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is, and treat it as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** Builds the command line with turnctl's exit-code conventions, defaults from the environment. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv(), ConfigFile.empty());
    }

    static CommandLine commandLine(java.util.Map<String, String> env, ConfigFile file) {
        CommandLine cl = new CommandLine(new Turnctl());
        cl.setDefaultValueProvider(new EnvDefaults(env, file));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("turnctl: internal error: " + e);
            return ExitCodes.INTERNAL_ERROR;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true)));
    }

    /**
     * Runs with the config file of {@code --config FILE} (or /etc/turnctl/turnctl.conf when it
     * exists) under the flags and the environment. A file that does not parse is a usage error.
     */
    public static int run(String[] args, java.util.Map<String, String> env, java.io.PrintWriter out, java.io.PrintWriter err) {
        ConfigFile file = ConfigFile.empty();
        java.nio.file.Path path = configPath(args, env);
        if (path != null) {
            try {
                file = ConfigFile.load(path, knownOptions());
            } catch (ConfigFile.ParseException e) {
                err.println("turnctl: --config " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        CommandLine cl = commandLine(env, file);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** --config FILE / --config=FILE on serve or probe, else the default file when it exists. */
    static java.nio.file.Path configPath(String[] args, java.util.Map<String, String> env) {
        if (args.length == 0 || !(args[0].equals("serve") || args[0].equals("probe"))) {
            return null;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return java.nio.file.Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return java.nio.file.Path.of(args[i].substring("--config=".length()));
            }
        }
        String fromEnv = env.get("TURNCTL_" + args[0].toUpperCase(java.util.Locale.ROOT) + "_CONFIG");
        if (fromEnv != null) {
            return java.nio.file.Path.of(fromEnv);
        }
        return java.nio.file.Files.isRegularFile(ConfigFile.DEFAULT) ? ConfigFile.DEFAULT : null;
    }

    /** Section to long option names (without dashes) of serve and probe. */
    static java.util.Map<String, java.util.Set<String>> knownOptions() {
        java.util.Map<String, java.util.Set<String>> known = new java.util.HashMap<>();
        CommandLine cl = new CommandLine(new Turnctl());
        for (String section : ConfigFile.SECTIONS) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (var o : cl.getSubcommands().get(section).getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp()) {
                    names.add(o.longestName().replaceFirst("^-+", ""));
                }
            }
            names.remove("config");
            known.put(section, names);
        }
        return known;
    }
}
