package org.turnctl.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.turnctl.stun.codec.Integrity;

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, as coturn's use-auth-secret): the
 * username is {@code <expiry-unix-seconds>[:<user>]} and the password is
 * base64(HMAC-SHA1(secret, username)). An expired username is unknown (so the client gets a
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
        for (byte[] secret : secrets) {
            keys.add(Integrity.longTermKeyMd5(username, realm, password(secret, username)));
        }
        String quotaUser = colon < 0 ? username : username.substring(colon + 1);
        return new Credential(username, keys, quotaUser);
    }

    /** The password a REST credential service hands out for this username. */
    public static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
        }
    }
}
