package org.turnctl.server.inbound;

import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.turnctl.server.config.TimeSource;

/**
 * A token bucket per source IP for the requests a server answers before it knows who is asking
 * (Binding, the 401 challenge, a 400): the surface an attacker uses for reflection with a spoofed
 * source, and for password guessing. Past the rate the server drops silently; a 5-tuple with an
 * allocation is never limited (its client authenticated).
 *
 * <p>One table per event loop, so no lock is shared: a client whose ports hash to several loops
 * (SO_REUSEPORT) gets the rate on each. Each table holds at most {@link #MAX_SOURCES} addresses,
 * least recently seen evicted first, so a flood of spoofed sources cannot grow memory: an evicted
 * address comes back with a full bucket, which is the most a spoofed source can get anyway.
 */
public final class UnauthenticatedLimiter {
    /** Addresses remembered per event loop: 16k buckets of ~100 B. */
    static final int MAX_SOURCES = 16_384;

    private final double perSecond;
    private final double burst;
    private final TimeSource clock;
    private final FastThreadLocal<Map<InetAddress, Bucket>> tables = new FastThreadLocal<>() {
        @Override
        protected Map<InetAddress, Bucket> initialValue() {
            return new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                    return size() > MAX_SOURCES;
                }
            };
        }
    };

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    /** {@code perSecond} requests a second from one address, bursts of twice that; 0 turns it off. */
    public UnauthenticatedLimiter(int perSecond, TimeSource clock) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.clock = clock;
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /**
     * Takes a token for one answer to {@code source}; false when it is over its rate. Loopback
     * sources are not limited: the kernel drops loopback-sourced packets arriving from a network
     * (martians), so they cannot be spoofed from outside, and a local process needs no reflection.
     */
    public boolean tryAcquire(InetAddress source) {
        if (perSecond <= 0 || source.isLoopbackAddress()) {
            return true;
        }
        long now = clock.nowMillis();
        Map<InetAddress, Bucket> table = tables.get();
        Bucket b = table.get(source);
        if (b == null) {
            b = new Bucket();
            b.tokens = burst;
            b.lastMillis = now;
            table.put(source, b);
        } else {
            b.tokens = Math.min(burst, b.tokens + (now - b.lastMillis) * perSecond / 1000.0);
            b.lastMillis = now;
        }
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Addresses in this thread's table (tests: the bound on memory). */
    int sources() {
        return tables.get().size();
    }
}
