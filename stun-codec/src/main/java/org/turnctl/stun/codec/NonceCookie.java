package org.turnctl.stun.codec;

import java.util.Base64;

/**
 * The "nonce cookie" of RFC 8489 section 9.2: a NONCE that starts with {@code obMatJos2} carries,
 * in the next four characters, 24 "STUN Security Feature" bits (base64). It tells an RFC 8489
 * client that the server supports password algorithms (and so protects PASSWORD-ALGORITHMS
 * against a bid-down, section 9.2.1) and, optionally, username anonymity (USERHASH).
 */
public final class NonceCookie {
    /** "obMatJos2", the nonce cookie (RFC 8489 section 9.2). */
    public static final String PREFIX = "obMatJos2";
    /** Prefix plus the four base64 characters of the feature bits. */
    public static final int LENGTH = PREFIX.length() + 4;
    /** Bit 0 (the first bit sent): Password algorithms (RFC 8489 section 18.1). */
    public static final int PASSWORD_ALGORITHMS = 1 << 23;
    /** Bit 1: Username anonymity. */
    public static final int USERNAME_ANONYMITY = 1 << 22;

    private NonceCookie() {
    }

    /** The cookie for these feature bits: the prefix and four base64 characters. */
    public static String of(int features) {
        byte[] bits = {(byte) (features >> 16), (byte) (features >> 8), (byte) features};
        return PREFIX + Base64.getEncoder().encodeToString(bits);
    }

    /** The feature bits of a nonce that starts with a cookie, or -1 when it does not. */
    public static int features(String nonce) {
        if (nonce == null || nonce.length() < LENGTH || !nonce.startsWith(PREFIX)) {
            return -1;
        }
        try {
            byte[] bits = Base64.getDecoder().decode(nonce.substring(PREFIX.length(), LENGTH));
            return (bits[0] & 0xFF) << 16 | (bits[1] & 0xFF) << 8 | (bits[2] & 0xFF);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
