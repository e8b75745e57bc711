package org.turnctl.server.auth;

import java.util.List;

/**
 * What an authenticator knows about a username: the keys its MESSAGE-INTEGRITY may verify with
 * (several while a shared secret is being rotated) and the name quotas count it under.
 */
public record Credential(String username, List<byte[]> keys, String quotaUser) {
    public Credential {
        keys = List.copyOf(keys);
    }
}
