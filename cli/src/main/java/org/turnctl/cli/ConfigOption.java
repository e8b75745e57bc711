package org.turnctl.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, shared by serve and probe. The file is read before the command line is
 * parsed for real (its values are defaults), so {@link Turnctl#run} finds this option first with a
 * lenient parse; the field is set again by the real parse and then only documents the choice.
 */
final class ConfigOption {
    static final String NAME = "--config";

    @Option(names = NAME, paramLabel = "FILE",
            description = "Config file ([serve] and [probe] sections; default /etc/turnctl/turnctl.conf when it exists). "
                    + "Flags > environment > file > defaults.")
    Path config;
}
