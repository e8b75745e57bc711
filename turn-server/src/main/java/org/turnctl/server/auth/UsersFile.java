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
 * files work as they are; optionally a third column {@code :sha256key}, the hex
 * SHA-256(name:realm:password) as {@code turnctl key --algorithm sha256} prints it, for clients
 * that authenticate with SHA-256 (RFC 8489 section 9.2.2). Blank lines and {@code #} comments
 * are skipped. Names may contain colons: the key columns are found from the right.
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

    /** The keys read: MD5 for every user, SHA-256 for those whose line has it. */
    public record Keys(Map<String, byte[]> md5, Map<String, byte[]> sha256) {
        public Keys {
            md5 = Map.copyOf(md5);
            sha256 = Map.copyOf(sha256);
        }
    }

    public static Keys load(Path file) throws IOException, FormatException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, byte[]> keys = new HashMap<>();
        Map<String, byte[]> sha256 = new HashMap<>();
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
            String last = hex(line.substring(colon + 1));
            byte[] sha = null;
            if (last.length() == 64) {
                if (!last.matches("[0-9a-fA-F]{64}")) {
                    throw new FormatException(where + "the SHA-256 key must be 64 hex digits");
                }
                sha = HexFormat.of().parseHex(last);
                line = line.substring(0, colon);
                colon = line.lastIndexOf(':');
                if (colon <= 0) {
                    throw new FormatException(where + "expected name:md5key:sha256key");
                }
            }
            String name = line.substring(0, colon);
            String hex = hex(line.substring(colon + 1));
            if (!hex.matches("[0-9a-fA-F]{32}")) {
                throw new FormatException(where + "the key must be 32 hex digits (MD5 of name:realm:password), "
                        + "as 'turnctl key' prints it");
            }
            keys.put(name, HexFormat.of().parseHex(hex));
            if (sha != null) {
                sha256.put(name, sha);
            }
        }
        return new Keys(keys, sha256);
    }

    private static String hex(String column) {
        String hex = column.strip();
        return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    }
}
