package org.turnctl.stun.codec;

/**
 * What the encoder appends after a message's attributes: MESSAGE-INTEGRITY (HMAC-SHA1),
 * MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, optionally truncated) and FINGERPRINT, in that order
 * (RFC 8489 section 14). Keys come from {@link Integrity}.
 */
public final class Protection {
    public static final Protection NONE = new Protection(null, null, 32, false);
    public static final Protection FINGERPRINT = new Protection(null, null, 32, true);

    private final byte[] integrityKey;
    private final byte[] integritySha256Key;
    private final int sha256Length;
    private final boolean fingerprint;

    private Protection(byte[] integrityKey, byte[] integritySha256Key, int sha256Length, boolean fingerprint) {
        this.integrityKey = integrityKey;
        this.integritySha256Key = integritySha256Key;
        this.sha256Length = sha256Length;
        this.fingerprint = fingerprint;
    }

    /** Adds MESSAGE-INTEGRITY computed with this key. */
    public Protection withIntegrity(byte[] key) {
        return new Protection(key.clone(), integritySha256Key, sha256Length, fingerprint);
    }

    /** Adds a full-length (32-byte) MESSAGE-INTEGRITY-SHA256 computed with this key. */
    public Protection withIntegritySha256(byte[] key) {
        return withIntegritySha256(key, 32);
    }

    /** Adds MESSAGE-INTEGRITY-SHA256 truncated to {@code length} bytes: 16 to 32, a multiple of 4. */
    public Protection withIntegritySha256(byte[] key, int length) {
        if (length < 16 || length > 32 || length % 4 != 0) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 length must be 16-32 in multiples of 4: " + length);
        }
        return new Protection(integrityKey, key.clone(), length, fingerprint);
    }

    public Protection withFingerprint() {
        return new Protection(integrityKey, integritySha256Key, sha256Length, true);
    }

    byte[] integrityKey() {
        return integrityKey;
    }

    byte[] integritySha256Key() {
        return integritySha256Key;
    }

    int sha256Length() {
        return sha256Length;
    }

    boolean fingerprint() {
        return fingerprint;
    }

    boolean isNone() {
        return integrityKey == null && integritySha256Key == null && !fingerprint;
    }
}
