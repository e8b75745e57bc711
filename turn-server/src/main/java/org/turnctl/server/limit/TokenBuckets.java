package org.turnctl.server.limit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key (a source IP, a user name), at most {@code maxKeys} of them, the least
 * recently used evicted first, so that keys an attacker makes up cannot grow memory: an evicted
 * key comes back with a full bucket, which is all a made-up key gets anyway. Not thread-safe: one
 * per event loop, so no lock is shared.
 *
 * @param <K> the key
 */
public final class TokenBuckets<K> {
    private final int maxKeys;
    private final Map<K, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    public TokenBuckets(int maxKeys) {
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
                return size() > TokenBuckets.this.maxKeys;
            }
        };
    }

    /** Takes one token from {@code key}'s bucket ({@code perSecond}, bursts of {@code burst}); false when empty. */
    public boolean take(K key, double perSecond, double burst, long nowMillis) {
        Bucket b = refill(key, perSecond, burst, nowMillis, true);
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** True when {@code key} has a token left, without taking it (and without remembering a new key). */
    public boolean hasToken(K key, double perSecond, double burst, long nowMillis) {
        Bucket b = refill(key, perSecond, burst, nowMillis, false);
        return b == null || b.tokens >= 1;
    }

    private Bucket refill(K key, double perSecond, double burst, long now, boolean create) {
        Bucket b = buckets.get(key);
        if (b == null) {
            if (!create) {
                return null;
            }
            b = new Bucket();
            b.tokens = burst;
            b.lastMillis = now;
            buckets.put(key, b);
            return b;
        }
        b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.lastMillis) * perSecond / 1000.0);
        b.lastMillis = now;
        return b;
    }

    /** Keys remembered now. */
    public int size() {
        return buckets.size();
    }
}
