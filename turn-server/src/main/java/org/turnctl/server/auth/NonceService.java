package org.turnctl.server.auth;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: {@code <issued-at seconds, 8 hex><HMAC-SHA256(secret, issued-at | client
 * IP), first 12 bytes as hex>}. Nothing is stored per client, so a flood of unauthenticated
 * requests costs no memory; a nonce is bound to the client's IP and expires after the
 * configured lifetime, after which the client gets a 438 and a fresh nonce.
 */
public final class NonceService {

    /** What a received nonce turned out to be. */
    public enum Verdict { VALID, STALE, INVALID }

    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final SecretKeySpec key;
    private final long lifetimeMillis;

    public NonceService(long lifetimeSeconds) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.lifetimeMillis = lifetimeSeconds * 1000;
    }

    public String issue(InetAddress client, long nowMillis) {
        long issued = nowMillis / 1000;
        String stamp = String.format("%08x", issued & 0xFFFF_FFFFL);
        return stamp + HexFormat.of().formatHex(mac(stamp, client));
    }

    public Verdict check(String nonce, InetAddress client, long nowMillis) {
        if (nonce.length() != 32) {
            return Verdict.INVALID;
        }
        String stamp = nonce.substring(0, 8);
        byte[] given;
        long issued;
        try {
            given = HexFormat.of().parseHex(nonce, 8, 32);
            issued = Long.parseLong(stamp, 16);
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        if (!MessageDigest.isEqual(given, mac(stamp, client))) {
            return Verdict.INVALID;
        }
        long age = nowMillis - issued * 1000;
        return age >= -60_000 && age <= lifetimeMillis ? Verdict.VALID : Verdict.STALE;
    }

    private byte[] mac(String stamp, InetAddress client) {
        Mac mac = MAC.get();
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        mac.update(stamp.getBytes(StandardCharsets.US_ASCII));
        mac.update(client.getAddress());
        byte[] full = mac.doFinal();
        return java.util.Arrays.copyOf(full, 12);
    }
}
