package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.MessageIntegrity;
import org.turnctl.stun.attr.MessageIntegritySha256;
import org.turnctl.stun.attr.PasswordAlgorithm;

/**
 * Keys and message integrity (RFC 8489 sections 9 and 14.5-14.6).
 *
 * <p>Keys are computed over the UTF-8 bytes of username, realm and password as given, without
 * SASLprep/OpaqueString processing: that is what browsers and coturn do, and for ASCII
 * credentials it is the same thing. Verification recomputes the HMAC over the message bytes as
 * received, with the length field adjusted to end at the integrity attribute, and compares in
 * constant time.
 */
public final class Integrity {
    private static final ThreadLocal<KeyedMac> HMAC_SHA1 = ThreadLocal.withInitial(() -> new KeyedMac(mac("HmacSHA1")));
    private static final ThreadLocal<KeyedMac> HMAC_SHA256 = ThreadLocal.withInitial(() -> new KeyedMac(mac("HmacSHA256")));

    /**
     * A thread's Mac and the key it was last initialised with. Verifying a request and signing
     * its response use the same key back to back, as do a client's consecutive requests:
     * re-initialising (a SecretKeySpec and two hash blocks for the pads) is then skipped.
     * {@code doFinal} leaves the Mac ready for the same key.
     */
    private static final class KeyedMac {
        final Mac mac;
        byte[] key;

        KeyedMac(Mac mac) {
            this.mac = mac;
        }

        Mac with(byte[] k) {
            if (key == null || !java.util.Arrays.equals(key, k)) {
                init(mac, k);
                key = k.clone();
            }
            return mac;
        }
    }
    /** HMAC pads keys with zeros to the block size, so an empty key equals one zero byte. */
    private static final byte[] EMPTY_KEY_EQUIVALENT = new byte[1];

    private Integrity() {
    }

    /** The short-term credential key: the password's UTF-8 bytes (RFC 8489 section 9.1.1). */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /** The long-term key MD5(username ":" realm ":" password) (RFC 8489 section 9.2.2). */
    public static byte[] longTermKeyMd5(String username, String realm, String password) {
        return digest("MD5", username + ":" + realm + ":" + password);
    }

    /** The long-term key SHA-256(username ":" realm ":" password) (RFC 8489 section 9.2.2). */
    public static byte[] longTermKeySha256(String username, String realm, String password) {
        return digest("SHA-256", username + ":" + realm + ":" + password);
    }

    /** The long-term key for a PASSWORD-ALGORITHM value (MD5 or SHA-256). */
    public static byte[] longTermKey(int passwordAlgorithm, String username, String realm, String password) {
        return switch (passwordAlgorithm) {
            case PasswordAlgorithm.MD5 -> longTermKeyMd5(username, realm, password);
            case PasswordAlgorithm.SHA256 -> longTermKeySha256(username, realm, password);
            default -> throw new IllegalArgumentException("unknown password algorithm " + passwordAlgorithm);
        };
    }

    /** USERHASH: SHA-256(username ":" realm) (RFC 8489 section 14.4). */
    public static byte[] userhash(String username, String realm) {
        return digest("SHA-256", username + ":" + realm);
    }

    /**
     * Verifies MESSAGE-INTEGRITY (HMAC-SHA1) of a decoded message. False when the attribute is
     * absent, the message was not decoded from bytes, or the HMAC does not match.
     */
    public static boolean verify(StunMessage msg, byte[] key) {
        int at = msg.integrityOffset();
        byte[] raw = msg.raw();
        if (at < 0 || raw == null) {
            return false;
        }
        Octets expected = MessageIntegrity.from(msg).orElseThrow().value();
        byte[] actual = hmac(HMAC_SHA1.get(), key, raw, at, at + 24 - StunCodec.HEADER_LENGTH);
        return expected.equalsInConstantTime(actual);
    }

    /**
     * Verifies MESSAGE-INTEGRITY-SHA256, which may be truncated to 16-32 bytes: the received
     * bytes are compared with as many leading bytes of the HMAC, in constant time.
     */
    public static boolean verifySha256(StunMessage msg, byte[] key) {
        int at = msg.integritySha256Offset();
        byte[] raw = msg.raw();
        if (at < 0 || raw == null) {
            return false;
        }
        Octets expected = MessageIntegritySha256.from(msg).orElseThrow().value();
        byte[] full = hmac(HMAC_SHA256.get(), key, raw, at, at + 4 + expected.length() - StunCodec.HEADER_LENGTH);
        byte[] actual = expected.length() == full.length ? full : java.util.Arrays.copyOf(full, expected.length());
        return expected.equalsInConstantTime(actual);
    }

    /** HMAC over raw[0, end) with the length field replaced by {@code lengthField}. */
    private static byte[] hmac(KeyedMac keyed, byte[] key, byte[] raw, int end, int lengthField) {
        Mac mac = keyed.with(key);
        mac.update(raw, 0, 2);
        mac.update((byte) (lengthField >>> 8));
        mac.update((byte) lengthField);
        mac.update(raw, 4, end - 4);
        return mac.doFinal();
    }

    static byte[] hmacSha1(byte[] key, ByteBuf buf, int start, int length) {
        return hmac(HMAC_SHA1.get(), key, buf, start, length);
    }

    static byte[] hmacSha256(byte[] key, ByteBuf buf, int start, int length) {
        return hmac(HMAC_SHA256.get(), key, buf, start, length);
    }

    private static byte[] hmac(KeyedMac keyed, byte[] key, ByteBuf buf, int start, int length) {
        Mac mac = keyed.with(key);
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + start, length);
        } else {
            mac.update(buf.nioBuffer(start, length));
        }
        return mac.doFinal();
    }

    private static void init(Mac mac, byte[] key) {
        try {
            mac.init(new SecretKeySpec(key.length == 0 ? EMPTY_KEY_EQUIVALENT : key, mac.getAlgorithm()));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC rejected a raw key", e);
        }
    }

    private static Mac mac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }

    private static byte[] digest(String algorithm, String input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }
}
