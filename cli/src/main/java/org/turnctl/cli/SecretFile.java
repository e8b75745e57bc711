package org.turnctl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A file of secrets (REST secrets, the admin token): one per line, blank lines and {@code #}
 * comments skipped. Kept out of the command line, where `ps` would show them.
 */
final class SecretFile {

    private SecretFile() {
    }

    /** Every secret in the file, in order. */
    static List<String> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The first secret, or null for a file without one. */
    static String first(Path file) throws IOException {
        List<String> all = read(file);
        return all.isEmpty() ? null : all.get(0);
    }
}
