package org.turnctl.server.allocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.turnctl.server.net.Addresses;

/**
 * The allocations one event loop owns (for the sweep, reload and shutdown) and the 5-tuples
 * whose Allocate is binding its relay socket. Only that loop's thread touches it, so nothing is
 * locked.
 */
public final class LoopAllocations {
    /** Bytes relayed by allocations already deleted, so the totals below never go back. */
    private long retiredToPeer;
    private long retiredToClient;
    private long lastToPeer;
    private long lastToClient;
    private long measuredAt;
    private volatile long bytesPerSecond;
    private final Set<Allocation> allocations = new HashSet<>();
    /** 5-tuples whose Allocate is binding its relay socket right now (retransmissions wait). */
    private final Set<FiveTuple> allocating = new HashSet<>();

    LoopAllocations() {
    }

    /** Marks the 5-tuple as allocating; false when it already is (a retransmission in flight). */
    public boolean startAllocating(FiveTuple fiveTuple) {
        return allocating.add(fiveTuple);
    }

    public void doneAllocating(FiveTuple fiveTuple) {
        allocating.remove(fiveTuple);
    }

    void add(Allocation a) {
        allocations.add(a);
    }

    void remove(Allocation a) {
        allocations.remove(a);
        retiredToPeer += a.bytesToPeer();
        retiredToClient += a.bytesToClient();
    }

    /** Snapshots of this loop's allocations (the admin API). */
    public List<AllocationView> views(long now) {
        List<AllocationView> out = new ArrayList<>(allocations.size());
        for (Allocation a : allocations) {
            out.add(a.view(now));
        }
        return out;
    }

    /** Deletes this loop's allocations the predicate picks, for the admin API; returns how many. */
    public int end(java.util.function.Predicate<AllocationView> which, long now, String reason) {
        int n = 0;
        for (Allocation a : new ArrayList<>(allocations)) {
            if (which.test(a.view(now))) {
                a.delete(reason);
                n++;
            }
        }
        return n;
    }

    /** Bytes a second this loop relayed in the busier direction, over the last sweep's second. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public int allocationCount() {
        return allocations.size();
    }

    /** Expires allocations, permissions and channels whose deadlines have passed (RFC 8656 sections 7, 9, 12). */
    public void sweep(long now) {
        List<Allocation> expired = new ArrayList<>();
        for (Allocation a : allocations) {
            if (a.expiresAt() < now) {
                expired.add(a);
            } else {
                a.sweep(now);
            }
        }
        for (Allocation a : expired) {
            a.delete("expired");
        }
        measure(now);
    }

    /** The relayed rate since the last sweep, for --bps-capacity: counters summed once a second, nothing per packet. */
    private void measure(long now) {
        long toPeer = retiredToPeer;
        long toClient = retiredToClient;
        for (Allocation a : allocations) {
            toPeer += a.bytesToPeer();
            toClient += a.bytesToClient();
        }
        if (measuredAt > 0 && now > measuredAt) {
            bytesPerSecond = Math.max(toPeer - lastToPeer, toClient - lastToClient) * 1000 / (now - measuredAt);
        }
        lastToPeer = toPeer;
        lastToClient = toClient;
        measuredAt = now;
    }

    /**
     * After a reload: deletes allocations whose user the new credentials no longer know, and
     * permissions to peers the new policy refuses. Returns {deleted allocations, revoked permissions}.
     */
    public int[] enforce(java.util.function.Predicate<Allocation> userGone,
            java.util.function.Predicate<java.net.InetAddress> refused) {
        int deleted = 0;
        int revoked = 0;
        for (Allocation a : new ArrayList<>(allocations)) {
            if (userGone.test(a)) {
                a.delete("user-removed");
                deleted++;
            } else {
                int n = a.revoke(refused);
                if (n > 0) {
                    AllocationManager.LOG.atInfo().addKeyValue("event", "permissions_revoked").addKeyValue("user", a.username())
                            .addKeyValue("relay", Addresses.format(a.advertisedAddress())).addKeyValue("count", n)
                            .log("reload: revoked {} permission(s) of {} on {}: peers now denied", n, a.username(),
                                    Addresses.format(a.advertisedAddress()));
                }
                revoked += n;
            }
        }
        return new int[] {deleted, revoked};
    }

    /** Deletes every allocation of this loop (shutdown). */
    public void deleteAll(String reason) {
        for (Allocation a : new ArrayList<>(allocations)) {
            a.delete(reason);
        }
    }
}
