package org.turnctl.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.RestCredentials;

/**
 * TURN REST credentials ({@link RestCredentials}, as coturn's use-auth-secret). An expired username is unknown (so the client gets a
 * 401). Several secrets may be active at once, so that a secret can be rotated without
 * dropping clients; each yields one candidate key.
 */
public final class SharedSecretAuthenticator implements Authenticator {
    private final List<byte[]> secrets;

    public SharedSecretAuthenticator(List<String> secrets) {
        List<byte[]> s = new ArrayList<>();
        for (String secret : secrets) {
            s.add(secret.getBytes(StandardCharsets.UTF_8));
        }
        this.secrets = List.copyOf(s);
    }

    public int size() {
        return secrets.size();
    }

    @Override
    public Credential lookup(String username, String realm, long nowMillis) {
        int colon = username.indexOf(':');
        String expiryText = colon < 0 ? username : username.substring(0, colon);
        long expiry;
        try {
            expiry = Long.parseLong(expiryText);
        } catch (NumberFormatException e) {
            return null;
        }
        if (expiry * 1000 < nowMillis) {
            return null;
        }
        List<byte[]> keys = new ArrayList<>(secrets.size());
        List<byte[]> sha256Keys = new ArrayList<>(secrets.size());
        for (byte[] secret : secrets) {
            String password = RestCredentials.password(secret, username);
            keys.add(Integrity.longTermKeyMd5(username, realm, password));
            sha256Keys.add(Integrity.longTermKeySha256(username, realm, password));
        }
        String quotaUser = colon < 0 ? username : username.substring(colon + 1);
        return new Credential(username, keys, sha256Keys, quotaUser);
    }
}
