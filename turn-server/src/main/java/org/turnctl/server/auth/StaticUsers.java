package org.turnctl.server.auth;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.turnctl.stun.codec.Integrity;

/**
 * Users with known long-term keys: from {@code --user NAME:PASSWORD} (MD5 and SHA-256 keys) or a
 * users file (MD5, and SHA-256 where the line has that column). Also finds a user by USERHASH,
 * SHA-256(name ":" realm) (RFC 8489 section 14.4), for the realm it was built with.
 */
public final class StaticUsers implements Authenticator {
    private final Map<String, byte[]> keys;
    private final Map<String, byte[]> sha256Keys;
    private final Map<String, String> byUserhash = new HashMap<>();

    /**
     * @param keys       username to MD5(username:realm:password)
     * @param sha256Keys username to SHA-256(username:realm:password), for those whose it is known
     * @param realm      the realm the user hashes are computed in
     */
    public StaticUsers(Map<String, byte[]> keys, Map<String, byte[]> sha256Keys, String realm) {
        this.keys = Map.copyOf(keys);
        this.sha256Keys = Map.copyOf(sha256Keys);
        for (String name : keys.keySet()) {
            byUserhash.put(HexFormat.of().formatHex(Integrity.userhash(name, realm)), name);
        }
    }

    /** MD5 keys only. */
    public StaticUsers(Map<String, byte[]> keys) {
        this(keys, Map.of(), "");
    }

    public int size() {
        return keys.size();
    }

    /** How many users have no SHA-256 key (users-file lines with only the MD5 column). */
    public int withoutSha256() {
        return (int) keys.keySet().stream().filter(n -> !sha256Keys.containsKey(n)).count();
    }

    @Override
    public Credential lookup(String username, String realm, long nowMillis) {
        byte[] key = keys.get(username);
        if (key == null) {
            return null;
        }
        byte[] sha256 = sha256Keys.get(username);
        return new Credential(username, List.of(key), sha256 == null ? List.of() : List.of(sha256), username);
    }

    @Override
    public Credential lookupByUserhash(byte[] userhash, String realm, long nowMillis) {
        String name = byUserhash.get(HexFormat.of().formatHex(userhash));
        return name == null ? null : lookup(name, realm, nowMillis);
    }
}
