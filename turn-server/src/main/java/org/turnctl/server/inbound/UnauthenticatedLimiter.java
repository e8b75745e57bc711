package org.turnctl.server.inbound;

import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.limit.TokenBuckets;

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
    private final FastThreadLocal<TokenBuckets<InetAddress>> tables = new FastThreadLocal<>() {
        @Override
        protected TokenBuckets<InetAddress> initialValue() {
            return new TokenBuckets<>(MAX_SOURCES);
        }
    };

    /** {@code perSecond} requests a second from one address, bursts of twice that; 0 turns it off. */
    public UnauthenticatedLimiter(int perSecond, TimeSource clock) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.clock = clock;
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
        return tables.get().take(source, perSecond, burst, clock.nowMillis());
    }

    /** Addresses in this thread's table (tests: the bound on memory). */
    int sources() {
        return tables.get().size();
    }
}
