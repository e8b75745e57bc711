package org.turnctl.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads a users file: one {@code name:key} per line, key the hex MD5(name:realm:password) as
 * {@code turnctl key} prints it, with or without coturn's {@code 0x} prefix, so that coturn's
 * files work as they are. Blank lines and {@code #} comments are skipped.
 */
public final class UsersFile {

    private UsersFile() {
    }

    /** Thrown with the line number for a line that is not {@code name:hexkey}. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message, null, false, false);
        }
    }

    public static Map<String, byte[]> load(Path file) throws IOException, FormatException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, byte[]> keys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String where = file + ":" + (i + 1) + ": ";
            if (colon <= 0) {
                throw new FormatException(where + "expected name:key");
            }
            String name = line.substring(0, colon);
            String hex = line.substring(colon + 1).strip();
            if (hex.startsWith("0x") || hex.startsWith("0X")) {
                hex = hex.substring(2);
            }
            if (!hex.matches("[0-9a-fA-F]{32}")) {
                throw new FormatException(where + "the key must be 32 hex digits (MD5 of name:realm:password), "
                        + "as 'turnctl key' prints it");
            }
            keys.put(name, HexFormat.of().parseHex(hex));
        }
        return keys;
    }
}
