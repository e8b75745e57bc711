package org.turnctl.server.auth;

import java.util.List;
import java.util.Map;

/** Users with known MD5 long-term keys: from {@code --user NAME:PASSWORD} or a users file. */
public final class StaticUsers implements Authenticator {
    private final Map<String, byte[]> keys;

    /** @param keys username to MD5(username:realm:password) */
    public StaticUsers(Map<String, byte[]> keys) {
        this.keys = Map.copyOf(keys);
    }

    public int size() {
        return keys.size();
    }

    @Override
    public Credential lookup(String username, String realm, long nowMillis) {
        byte[] key = keys.get(username);
        return key == null ? null : new Credential(username, List.of(key), username);
    }
}
