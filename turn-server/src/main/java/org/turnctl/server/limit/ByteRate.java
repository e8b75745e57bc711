package org.turnctl.server.limit;

/**
 * A token bucket of bytes for one direction of one allocation ({@code --max-bps}): refilled at
 * the limit, holding at most one second's worth (the burst). Kept in thousandths of a byte so
 * that a refill every millisecond loses nothing to rounding. Touched only on the allocation's
 * event loop, so it needs no lock; O(1) and allocation-free per packet.
 */
public final class ByteRate {
    /** The largest --max-bps: 1 TB/s keeps every product below in a long. */
    public static final long MAX_BYTES_PER_SECOND = 1_000_000_000_000L;
    /** Refills look back at most this far (a long idle gap fills the bucket anyway). */
    private static final long MAX_GAP_MILLIS = 3_600_000;

    private long milliTokens = Long.MIN_VALUE;
    private long lastMillis;

    private void refill(long bytesPerSecond, long nowMillis) {
        long burst = bytesPerSecond * 1000;
        if (milliTokens == Long.MIN_VALUE) {
            milliTokens = burst; // a new allocation starts with a full second's burst
        } else if (nowMillis > lastMillis) {
            milliTokens = Math.min(burst, milliTokens + Math.min(nowMillis - lastMillis, MAX_GAP_MILLIS) * bytesPerSecond);
        }
        lastMillis = Math.max(lastMillis, nowMillis);
    }

    /**
     * Datagrams: takes {@code bytes} when the bucket holds them; false (takes nothing) when it
     * does not, and the caller drops the datagram. {@code bytesPerSecond} 0 means no limit.
     */
    public boolean take(int bytes, long bytesPerSecond, long nowMillis) {
        if (bytesPerSecond <= 0) {
            return true;
        }
        refill(bytesPerSecond, nowMillis);
        if (milliTokens < bytes * 1000L) {
            return false;
        }
        milliTokens -= bytes * 1000L;
        return true;
    }

    /**
     * Streams: takes {@code bytes} whether or not they are there (they were already read) and
     * returns how many milliseconds the reader should pause for the bucket to be out of debt.
     */
    public long owe(int bytes, long bytesPerSecond, long nowMillis) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        refill(bytesPerSecond, nowMillis);
        milliTokens -= bytes * 1000L;
        return milliTokens >= 0 ? 0 : (-milliTokens + bytesPerSecond - 1) / bytesPerSecond;
    }
}
