package org.turnctl.probe.client;

import java.util.Locale;

/**
 * How the probe authenticates (RFC 8489 section 9.2): which password algorithm it asks for, and
 * whether it hides its user name behind USERHASH.
 *
 * @param passwordAlgorithm {@code auto} (the server's first choice among those it offers; MD5
 *                          without PASSWORD-ALGORITHM attributes when it offers none, as a
 *                          pre-RFC 8489 client would), {@code md5} or {@code sha256}
 * @param userhash          send USERHASH instead of USERNAME (the server must announce
 *                          username anonymity in its nonce cookie)
 */
public record AuthMode(String passwordAlgorithm, boolean userhash) {
    public static final AuthMode AUTO = new AuthMode("auto", false);

    public AuthMode {
        passwordAlgorithm = passwordAlgorithm.toLowerCase(Locale.ROOT);
        if (!passwordAlgorithm.equals("auto") && !passwordAlgorithm.equals("md5") && !passwordAlgorithm.equals("sha256")) {
            throw new IllegalArgumentException("password algorithm " + passwordAlgorithm + ": expected md5, sha256 or auto");
        }
    }
}
