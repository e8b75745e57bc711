package org.turnctl.server.allocation;


/** Allocations per user and in total, server-wide; touched on allocate and delete only. */
public final class Quotas {
    private final int perUser;
    private final int total;
    private final java.util.HashMap<String, Integer> byUser = new java.util.HashMap<>();
    private int count;

    /** @param perUser 0 for no limit; @param total 0 for no limit */
    public Quotas(int perUser, int total) {
        this.perUser = perUser;
        this.total = total;
    }

    /** Counts one allocation for the user, or returns false when a quota is full (486). */
    public synchronized boolean tryAcquire(String user) {
        if (total > 0 && count >= total) {
            return false;
        }
        int mine = byUser.getOrDefault(user, 0);
        if (perUser > 0 && mine >= perUser) {
            return false;
        }
        byUser.put(user, mine + 1);
        count++;
        return true;
    }

    public synchronized void release(String user) {
        byUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        count = Math.max(0, count - 1);
    }

    public synchronized int count() {
        return count;
    }
}
