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
import org.turnctl.stun.codec.NonceCookie;

/**
 * Stateless nonces: {@code <nonce cookie and feature bits, 13 chars><issued-at seconds, 8
 * hex><HMAC-SHA256(secret, cookie | issued-at | client IP), first 12 bytes as hex>}. Nothing is
 * stored per client, so a flood of unauthenticated requests costs no memory; a nonce is bound to
 * the client's IP and expires after the configured lifetime, after which the client gets a 438
 * and a fresh nonce. The cookie (RFC 8489 section 9.2) tells the client which security features
 * the server has; the MAC covers it, so a changed feature bit makes the nonce invalid.
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

    /** A nonce announcing password algorithms only. */
    public String issue(InetAddress client, long nowMillis) {
        return issue(client, nowMillis, NonceCookie.PASSWORD_ALGORITHMS);
    }

    /** A nonce whose cookie carries these security feature bits ({@link NonceCookie}). */
    public String issue(InetAddress client, long nowMillis, int features) {
        long issued = nowMillis / 1000;
        String stamp = NonceCookie.of(features) + String.format("%08x", issued & 0xFFFF_FFFFL);
        return stamp + HexFormat.of().formatHex(mac(stamp, client));
    }

    /** VALID only for a nonce this service issued to {@code client}, with these feature bits, not yet expired. */
    public Verdict check(String nonce, InetAddress client, long nowMillis, int features) {
        int stampEnd = NonceCookie.LENGTH + 8;
        if (nonce.length() != stampEnd + 24 || NonceCookie.features(nonce) != features) {
            return Verdict.INVALID;
        }
        String stamp = nonce.substring(0, stampEnd);
        byte[] given;
        long issued;
        try {
            given = HexFormat.of().parseHex(nonce, stampEnd, stampEnd + 24);
            issued = Long.parseLong(stamp.substring(NonceCookie.LENGTH), 16);
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
        mac.update(stamp.getBytes(StandardCharsets.US_ASCII)); // the cookie and the issue time
        mac.update(client.getAddress());
        byte[] full = mac.doFinal();
        return java.util.Arrays.copyOf(full, 12);
    }
}
