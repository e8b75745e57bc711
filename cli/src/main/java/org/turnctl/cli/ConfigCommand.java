package org.turnctl.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code turnctl config check FILE}: the effective configuration, secrets masked; exit 2 with the line of an error. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Configuration file tools.", subcommands = {ConfigCommand.Check.class, ConfigCommand.ImportCoturn.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: check");
    }

    static final Set<String> SECRET_KEYS = Set.of("user", "password", "secret", "auth-secret");

    /** Masks NAME:PASSWORD to NAME:*** and any other secret wholly. */
    static String mask(String key, String value) {
        if (!SECRET_KEYS.contains(key)) {
            return value;
        }
        int colon = value.indexOf(':');
        return key.equals("user") && colon > 0 && colon == value.lastIndexOf(':') ? value.substring(0, colon) + ":***" : "***";
    }

    @Command(name = "import-coturn", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Translate a coturn turnserver.conf into a turnctl config file ([serve] section) on stdout.",
                "Every line that cannot be carried over is listed on stderr with the reason. Exit 1 when an "
                        + "authentication backend (a userdb, OAuth) cannot be carried over, else 0."})
    static final class ImportCoturn implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "coturn's configuration, e.g. /etc/turnserver.conf.")
        Path file;

        @Override
        public Integer call() {
            List<String> conf;
            try {
                conf = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("turnctl config import-coturn: " + file + ": cannot read ("
                        + e.getClass().getSimpleName() + ")");
                return ExitCode.USAGE.code();
            }
            CoturnImport.Result r = CoturnImport.translate(conf);
            var out = spec.commandLine().getOut();
            out.println("# imported from " + file + " by turnctl config import-coturn");
            out.println("[serve]");
            r.lines().forEach(out::println);
            out.flush();
            for (String note : r.notes()) {
                spec.commandLine().getErr().println("turnctl config import-coturn: not carried over: " + note);
            }
            return r.essentialLost() ? ExitCode.CHECK_FAILED.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Parse a config file and print the effective configuration (file, environment and "
                    + "defaults merged; secrets masked). Exit 2 with the line number on an error.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            ConfigFile parsed;
            try {
                parsed = ConfigFile.load(file, Turnctl.knownOptions());
            } catch (ConfigFile.ParseException e) {
                spec.commandLine().getErr().println("turnctl config check: " + e.getMessage());
                return ExitCode.USAGE.code();
            }
            // A serve section must also make a valid server configuration.
            if (!parsed.section("serve").isEmpty()) {
                try {
                    ServeCommand serve = Turnctl.parse("serve", Turnctl.env(spec), parsed);
                    serve.config();
                } catch (ServeCommand.ConfigException | IllegalArgumentException | CommandLine.ParameterException e) {
                    String message = e instanceof CommandLine.ParameterException p ? Turnctl.describe(p) : e.getMessage();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--([a-z-]+)").matcher(String.valueOf(message));
                    int line = m.find() ? parsed.lineOf("serve", m.group(1)) : 0;
                    spec.commandLine().getErr().println("turnctl config check: " + file + (line > 0 ? ":" + line : "")
                            + ": [serve]: " + message);
                    return ExitCode.USAGE.code();
                }
            }
            CommandLine effective = Turnctl.commandLine(Turnctl.env(spec), parsed);
            var out = spec.commandLine().getOut();
            out.println("# effective configuration from " + file + " (flags would still override)");
            for (String section : List.of("serve", "probe")) {
                out.println("[" + section + "]");
                Map<String, String> lines = new TreeMap<>();
                for (var o : effective.getSubcommands().get(section).getCommandSpec().options()) {
                    if (!EnvDefaults.isConfigurable(o)) {
                        continue;
                    }
                    String key = EnvDefaults.key(o);
                    String value = effective.getDefaultValueProvider() == null ? null : defaultOf(effective, o);
                    if (value == null) {
                        continue;
                    }
                    StringBuilder masked = new StringBuilder();
                    for (String v : o.isMultiValue() ? List.of(value.split(",")) : List.of(value)) {
                        masked.append(masked.length() == 0 ? "" : ",").append(mask(key, v));
                    }
                    lines.put(key, masked.toString());
                }
                lines.forEach((k, v) -> out.println(k + " = " + v));
            }
            if (parsed.section("serve").isEmpty() && parsed.section("probe").isEmpty()) {
                spec.commandLine().getErr().println("turnctl config check: note: " + file + " sets nothing");
            }
            return ExitCode.OK.code();
        }

        private static String defaultOf(CommandLine cl, CommandLine.Model.OptionSpec o) {
            try {
                return cl.getDefaultValueProvider().defaultValue(o);
            } catch (Exception e) {
                return null;
            }
        }
    }
}
