package org.turnctl.server.allocation;

import java.security.SecureRandom;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The relay ports, server-wide. Ports are picked at random (SecureRandom) so that relay
 * addresses cannot be guessed. Touched only when allocations are made and deleted, never per
 * packet, so one lock is fine. Also holds EVEN-PORT reservations: the odd port above an even
 * allocation, held for 30 s under a random token that another 5-tuple (perhaps on another event
 * loop) may redeem (RFC 8656 section 7.2).
 */
public final class PortPool {
    public static final long RESERVATION_MILLIS = 30_000;

    private final int min;
    private final int max;
    private final BitSet used;
    /** A lock-free mirror of {@code used}, for the data path's "is this one of our relay ports?". */
    private final AtomicLongArray usedMirror;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Reservation> reservations = new HashMap<>();

    /** A reserved port, and what holds it bound meanwhile (so no other process takes it). */
    private record Reservation(int port, long expiresAt, AutoCloseable hold) {
        void release() {
            try {
                if (hold != null) {
                    hold.close();
                }
            } catch (Exception e) {
                // closing a placeholder socket: nothing to report
            }
        }
    }

    public PortPool(int min, int max) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("bad relay port range " + min + "-" + max);
        }
        this.min = min;
        this.max = max;
        this.used = new BitSet(max - min + 1);
        this.usedMirror = new AtomicLongArray((max - min + 64) / 64);
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** A free port, or -1 when there is none. */
    public synchronized int acquire() {
        int size = max - min + 1;
        int free = size - used.cardinality();
        if (free == 0) {
            return -1;
        }
        // Pick the n-th free bit, n random: uniform over free ports.
        int n = random.nextInt(free);
        int bit = used.nextClearBit(0);
        for (int i = 0; i < n; i++) {
            bit = used.nextClearBit(bit + 1);
        }
        mark(bit, true);
        return min + bit;
    }

    /**
     * An even port; with {@code reserveNext}, only one whose next port is free too, which is
     * then reserved. Returns -1 when there is no such port.
     */
    public synchronized int acquireEven(boolean reserveNext) {
        int firstEven = min % 2 == 0 ? min : min + 1;
        int candidates = 0;
        for (int p = firstEven; p <= max; p += 2) {
            if (fits(p, reserveNext)) {
                candidates++;
            }
        }
        if (candidates == 0) {
            return -1;
        }
        int n = random.nextInt(candidates);
        for (int p = firstEven; p <= max; p += 2) {
            if (fits(p, reserveNext) && n-- == 0) {
                mark(p - min, true);
                if (reserveNext) {
                    mark(p + 1 - min, true);
                }
                return p;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private boolean fits(int p, boolean withNext) {
        return !used.get(p - min) && (!withNext || (p + 1 <= max && !used.get(p + 1 - min)));
    }

    /** Holds {@code port} (already marked used) under a new random token until now + 30 s. */
    public synchronized long reserve(int port, long nowMillis) {
        return reserve(port, nowMillis, null);
    }

    /**
     * As {@link #reserve(int, long)}, with something that keeps the port bound until the token is
     * redeemed or expires (closed then).
     */
    public synchronized long reserve(int port, long nowMillis, AutoCloseable hold) {
        long token;
        do {
            token = random.nextLong();
        } while (token == 0 || reservations.containsKey(token));
        reservations.put(token, new Reservation(port, nowMillis + RESERVATION_MILLIS, hold));
        return token;
    }

    /** The reserved port for the token, now owned by the caller, or -1 for an unknown or expired token. */
    public synchronized int redeem(long token, long nowMillis) {
        Reservation r = reservations.remove(token);
        if (r == null) {
            return -1;
        }
        r.release();
        if (r.expiresAt < nowMillis) {
            mark(r.port - min, false);
            return -1;
        }
        return r.port;
    }

    public synchronized void release(int port) {
        if (port >= min && port <= max) {
            mark(port - min, false);
        }
    }

    /** Drops expired reservations and frees their ports. */
    public synchronized void sweep(long nowMillis) {
        for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext();) {
            Reservation r = it.next();
            if (r.expiresAt < nowMillis) {
                r.release();
                mark(r.port - min, false);
                it.remove();
            }
        }
    }

    /** Lock-free: safe on the packet path of any event loop. */
    public boolean isInUse(int port) {
        if (port < min || port > max) {
            return false;
        }
        int bit = port - min;
        return (usedMirror.get(bit >>> 6) & (1L << (bit & 63))) != 0;
    }

    private void mark(int bit, boolean inUse) {
        used.set(bit, inUse);
        long mask = 1L << (bit & 63);
        int word = bit >>> 6;
        long old;
        do {
            old = usedMirror.get(word);
        } while (!usedMirror.compareAndSet(word, old, inUse ? old | mask : old & ~mask));
    }

    public synchronized int inUse() {
        return used.cardinality();
    }

    public synchronized int reservations() {
        return reservations.size();
    }
}
