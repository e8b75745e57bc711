package org.turnctl.stun.codec;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, coturn's use-auth-secret): the username
 * is {@code <expiry-unix-seconds>[:<user>]} and the password base64(HMAC-SHA1(secret, username)).
 * The server derives the password to check a request; the probe mints a pair to test a relay.
 * Both must compute the same bytes, so the rule lives here, once.
 */
public final class RestCredentials {

    private RestCredentials() {
    }

    /** A username valid until {@code expiryEpochSeconds}, for {@code user} (or none when null). */
    public static String username(long expiryEpochSeconds, String user) {
        return user == null ? Long.toString(expiryEpochSeconds) : expiryEpochSeconds + ":" + user;
    }

    /** The password a REST credential service hands out for this username. */
    public static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty HMAC key is refused by SecretKeySpec; HMAC pads keys with zeros, so one zero byte is the same key.
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
        }
    }
}
