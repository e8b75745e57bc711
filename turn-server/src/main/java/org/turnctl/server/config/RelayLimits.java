package org.turnctl.server.config;

import org.turnctl.server.limit.ByteRate;

/**
 * What one allocation and the whole server may relay; each reloadable with SIGHUP.
 *
 * @param maxBps              --max-bps: bytes/s per allocation in each direction (coturn's
 *                            max-bps), a burst of one second's worth; 0 for no limit
 * @param bpsCapacity         --bps-capacity: bytes/s the server relays in either direction past
 *                            which new Allocates get 486; 0 for no limit
 * @param maxAllocationsPerIp --max-allocations-per-ip: allocations per client IP, 486 past it; 0 for no limit
 */
public record RelayLimits(long maxBps, long bpsCapacity, int maxAllocationsPerIp) {
    public static final RelayLimits NONE = new RelayLimits(0, 0, 0);

    public RelayLimits {
        if (maxBps < 0 || maxBps > ByteRate.MAX_BYTES_PER_SECOND || bpsCapacity < 0 || bpsCapacity > ByteRate.MAX_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("--max-bps and --bps-capacity must be 0-" + ByteRate.MAX_BYTES_PER_SECOND);
        }
        if (maxAllocationsPerIp < 0) {
            throw new IllegalArgumentException("--max-allocations-per-ip must not be negative");
        }
    }
}
