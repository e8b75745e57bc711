package org.turnctl.server.auth;

import java.util.List;
import org.turnctl.stun.attr.PasswordAlgorithm;

/**
 * What an authenticator knows about a username: the keys its message integrity may verify with,
 * per password algorithm (several while a shared secret is being rotated; no SHA-256 key for a
 * users-file line that has only the MD5 column), and the name quotas count it under.
 */
public record Credential(String username, List<byte[]> keys, List<byte[]> sha256Keys, String quotaUser) {
    public Credential {
        keys = List.copyOf(keys);
        sha256Keys = List.copyOf(sha256Keys);
    }

    /** MD5 keys only. */
    public Credential(String username, List<byte[]> keys, String quotaUser) {
        this(username, keys, List.of(), quotaUser);
    }

    /** The keys for a PASSWORD-ALGORITHM value (RFC 8489 section 18.5); empty for one not known. */
    public List<byte[]> keys(int passwordAlgorithm) {
        return switch (passwordAlgorithm) {
            case PasswordAlgorithm.MD5 -> keys;
            case PasswordAlgorithm.SHA256 -> sha256Keys;
            default -> List.of();
        };
    }
}
