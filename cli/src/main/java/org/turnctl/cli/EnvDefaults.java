package org.turnctl.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Defaults from the environment and the config file. Precedence: flags (picocli never asks
 * here for an option given on the command line) > environment {@code TURNCTL_SERVE_<OPTION>} /
 * {@code TURNCTL_PROBE_<OPTION>} (then the unscoped {@code TURNCTL_<OPTION>}) > the config
 * file's section > the built-in default. A repeatable option takes a comma-separated list in
 * the environment, one line per value in the file; the highest layer that has it replaces the
 * lower layers' lists.
 */
final class EnvDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;
    private final ConfigFile file;

    EnvDefaults(Map<String, String> env) {
        this(env, ConfigFile.empty());
    }

    EnvDefaults(Map<String, String> env, ConfigFile file) {
        this.env = env;
        this.file = file;
    }

    /** The option's long name without dashes: its key in the config file and, upper-cased, in the environment. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** Everything but --help, --version and --config itself can come from the environment or the file. */
    static boolean isConfigurable(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !option.longestName().equals(ConfigOption.NAME);
    }

    static String variableFor(String command, OptionSpec option) {
        String name = key(option).toUpperCase(Locale.ROOT).replace('-', '_');
        return command == null ? "TURNCTL_" + name : "TURNCTL_" + command.toUpperCase(Locale.ROOT) + "_" + name;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !isConfigurable(option)) {
            return arg.defaultValue();
        }
        String command = option.command() == null ? null : option.command().name();
        String scoped = env.get(variableFor(command, option));
        if (scoped != null) {
            return scoped;
        }
        String plain = env.get(variableFor(null, option));
        if (plain != null) {
            return plain;
        }
        List<String> fromFile = command == null ? null : file.values(command, key(option));
        if (fromFile != null && !fromFile.isEmpty()) {
            return option.isMultiValue() ? String.join(",", fromFile) : fromFile.get(fromFile.size() - 1);
        }
        return arg.defaultValue();
    }
}
