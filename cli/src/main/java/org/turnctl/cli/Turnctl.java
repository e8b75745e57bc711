package org.turnctl.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * The {@code turnctl} root command, and the one place a {@link CommandLine} is built
 * ({@link #commandLine}): main, SIGHUP reload, {@code config check} and the tests all get the same
 * defaults (environment and config file), error handling and exit codes.
 */
@Command(
        name = "turnctl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {
            "TURN/STUN relay server and NAT-traversal diagnostics.",
            "Exit codes: 0 all good, 1 a check failed or a threshold was missed, 2 usage or config error, "
                    + "3 target unreachable, 4 internal error."
        },
        subcommands = {ServeCommand.class, ProbeCommand.class, HealthCommand.class, KeyCommand.class, ConfigCommand.class,
            CredentialsCommand.class, SessionsCommand.class, DrainCommand.class,
            CertCommand.class,
            CommandLine.HelpCommand.class})
public final class Turnctl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment this command line reads its defaults from (a test's map, or the process's). */
    private Map<String, String> env = System.getenv();

    /** The environment of the command line {@code spec} belongs to, for subcommands that read it themselves. */
    static Map<String, String> env(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof Turnctl root ? root.env : System.getenv();
    }

    @Override
    public void run() {
        // No subcommand: show what there is, and treat it as a usage error.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** The command line with defaults from the environment only (no config file). */
    public static CommandLine commandLine() {
        return commandLine(System.getenv(), ConfigFile.empty());
    }

    /**
     * Builds the command line with turnctl's conventions: defaults from the environment and the
     * config file ({@link EnvDefaults}), a bad value or unknown option as one line on stderr with
     * exit code 2, anything unexpected as one line with exit code 4.
     */
    static CommandLine commandLine(Map<String, String> env, ConfigFile file) {
        Turnctl root = new Turnctl();
        root.env = env;
        CommandLine cl = new CommandLine(root);
        cl.setDefaultValueProvider(new EnvDefaults(env, file));
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            CommandLine.Model.CommandSpec command = e.getCommandLine().getCommandSpec();
            err.println(e.getCause() instanceof CommandLine.TypeConversionException
                    ? "turnctl " + command.name() + ": " + describe(e) : describe(e));
            if (e.getMessage() != null && e.getMessage().startsWith("Missing") && !e.getCommandLine().getSubcommands().isEmpty()) {
                e.getCommandLine().usage(err);
            }
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("turnctl: internal error: " + e);
            return ExitCode.INTERNAL.code();
        });
        return cl;
    }

    /**
     * Parses {@code args} for one subcommand as {@link #commandLine} would and returns the
     * command object, its options set (SIGHUP reload and {@code config check} build a server
     * configuration this way). Throws picocli's ParameterException for a bad value.
     */
    static <T> T parse(String subcommand, Map<String, String> env, ConfigFile file, String... args) {
        String[] line = new String[args.length + 1];
        line[0] = subcommand;
        System.arraycopy(args, 0, line, 1, args.length);
        return commandLine(env, file).parseArgs(line).subcommand().commandSpec().commandLine().getCommand();
    }

    /**
     * One line for a command-line error. A value that did not convert reads {@code --option value:
     * what is wrong} (the converters say what is wrong); anything else is picocli's own message.
     */
    static String describe(CommandLine.ParameterException e) {
        if (e.getCause() instanceof CommandLine.TypeConversionException conversion && e.getArgSpec() instanceof OptionSpec o) {
            return o.longestName() + " " + e.getValue() + ": " + conversion.getMessage();
        }
        return e.getMessage();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs with the config file of {@code --config FILE} (or /etc/turnctl/turnctl.conf when it
     * exists) under the flags and the environment. A file that does not parse is a usage error.
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        ConfigFile file = ConfigFile.empty();
        Path path = configPath(args, env);
        if (path != null) {
            try {
                file = ConfigFile.load(path, knownOptions());
            } catch (ConfigFile.ParseException e) {
                err.println("turnctl: --config " + e.getMessage());
                return ExitCode.USAGE.code();
            }
        }
        CommandLine cl = commandLine(env, file);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * The config file for serve or probe: {@code --config} as picocli parses it (a lenient parse:
     * the real one reports any error), else {@code TURNCTL_<COMMAND>_CONFIG}, else the default
     * file when it exists.
     */
    static Path configPath(String[] args, Map<String, String> env) {
        CommandLine cl = commandLine(env, ConfigFile.empty());
        cl.setUnmatchedArgumentsAllowed(true);
        ParseResult sub;
        try {
            sub = cl.parseArgs(args).subcommand();
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        if (sub == null || !ConfigFile.SECTIONS.contains(sub.commandSpec().name())) {
            return null;
        }
        if (sub.hasMatchedOption(ConfigOption.NAME)) {
            return sub.matchedOptionValue(ConfigOption.NAME, null);
        }
        String fromEnv = env.get("TURNCTL_" + sub.commandSpec().name().toUpperCase(Locale.ROOT) + "_CONFIG");
        if (fromEnv != null) {
            return Path.of(fromEnv);
        }
        return Files.isRegularFile(ConfigFile.DEFAULT) ? ConfigFile.DEFAULT : null;
    }

    /** Section to long option names (without dashes) of serve and probe, for the config file. */
    static Map<String, Set<String>> knownOptions() {
        Map<String, Set<String>> known = new HashMap<>();
        CommandLine cl = commandLine(Map.of(), ConfigFile.empty());
        for (String section : ConfigFile.SECTIONS) {
            Set<String> names = new HashSet<>();
            for (OptionSpec o : cl.getSubcommands().get(section).getCommandSpec().options()) {
                if (EnvDefaults.isConfigurable(o)) {
                    names.add(EnvDefaults.key(o));
                }
            }
            known.put(section, names);
        }
        return known;
    }
}
