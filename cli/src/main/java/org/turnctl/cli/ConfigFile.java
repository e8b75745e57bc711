package org.turnctl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config file: INI-like, a {@code [serve]} and a {@code [probe]} section whose keys are the
 * commands' long option names without the dashes. A repeatable option is given once per line;
 * a flag takes {@code true} or {@code false}; {@code #} starts a comment line.
 *
 * <pre>
 * [serve]
 * listen = 0.0.0.0:3478
 * realm = example.org
 * user = alice:change-me
 * user = bob:change-me-too
 * allow-loopback-peers = false
 * </pre>
 */
final class ConfigFile {
    static final Path DEFAULT = Path.of("/etc/turnctl/turnctl.conf");
    static final Set<String> SECTIONS = Set.of("serve", "probe");

    private final Path path;
    private final Map<String, Map<String, List<String>>> sections;
    private final Map<String, Integer> lines;

    private ConfigFile(Path path, Map<String, Map<String, List<String>>> sections, Map<String, Integer> lines) {
        this.path = path;
        this.sections = sections;
        this.lines = lines;
    }

    /** The line that (last) set this option in this section, or 0. */
    int lineOf(String section, String key) {
        return lines.getOrDefault(section + "." + key, 0);
    }

    /** A file that fails to parse: the message names the file and line. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    static ConfigFile empty() {
        return new ConfigFile(null, Map.of(), Map.of());
    }

    /**
     * Parses and checks every key against the options of its section's command
     * ({@code knownOptions}: section to long option names without dashes).
     */
    static ConfigFile load(Path path, Map<String, Set<String>> knownOptions) throws ParseException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ParseException(path + ": cannot read (" + ServeCommand.why(e) + ")");
        }
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, Integer> where0 = new java.util.HashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String where = path + ":" + (i + 1) + ": ";
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ParseException(where + "a section header is [serve] or [probe]");
                }
                section = line.substring(1, line.length() - 1).strip();
                if (!SECTIONS.contains(section)) {
                    throw new ParseException(where + "unknown section [" + section + "] (serve, probe)");
                }
                sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ParseException(where + "expected 'option = value'");
            }
            if (section == null) {
                throw new ParseException(where + "'" + line.substring(0, eq).strip() + "' outside a [serve] or [probe] section");
            }
            String key = line.substring(0, eq).strip().replaceFirst("^--", "");
            String value = line.substring(eq + 1).strip();
            if (!knownOptions.getOrDefault(section, Set.of()).contains(key)) {
                throw new ParseException(where + "unknown option '" + key + "' in [" + section + "]");
            }
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            sections.get(section).computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            where0.put(section + "." + key, i + 1);
        }
        return new ConfigFile(path, sections, where0);
    }

    Path path() {
        return path;
    }

    /** The values of an option in a section (several for a repeatable one), or null. */
    List<String> values(String section, String key) {
        return sections.getOrDefault(section, Map.of()).get(key);
    }

    Map<String, List<String>> section(String name) {
        return sections.getOrDefault(name, Map.of());
    }
}
