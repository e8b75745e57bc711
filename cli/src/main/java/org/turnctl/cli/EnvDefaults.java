package org.turnctl.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option can also come from the environment: {@code --min-port} from
 * {@code TURNCTL_MIN_PORT}. Repeatable options take a comma-separated list there. The command
 * line wins over the environment.
 */
final class EnvDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;

    EnvDefaults(Map<String, String> env) {
        this.env = env;
    }

    static String variableFor(OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "");
        return "TURNCTL_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option && !option.usageHelp() && !option.versionHelp()) {
            String value = env.get(variableFor(option));
            if (value != null) {
                return value;
            }
        }
        return arg.defaultValue();
    }
}
