package org.turnctl.server.allocation;


/**
 * Allocations per user, per client IP ({@code --max-allocations-per-ip}, read at each Allocate so
 * that a reload changes it) and in total, server-wide; touched on allocate and delete only.
 */
public final class Quotas {
    private final int perUser;
    private final int total;
    private final java.util.HashMap<String, Integer> byUser = new java.util.HashMap<>();
    private final java.util.HashMap<java.net.InetAddress, Integer> byIp = new java.util.HashMap<>();
    private int count;

    /** @param perUser 0 for no limit; @param total 0 for no limit */
    public Quotas(int perUser, int total) {
        this.perUser = perUser;
        this.total = total;
    }

    /** Counts one allocation for the user, or returns false when a quota is full (486). */
    public synchronized boolean tryAcquire(String user) {
        return tryAcquire(user, null, 0);
    }

    /**
     * Counts one allocation for the user and the client IP, or returns false when a quota is
     * full (486); {@code perIp} 0 for no per-IP limit.
     */
    public synchronized boolean tryAcquire(String user, java.net.InetAddress ip, int perIp) {
        if (total > 0 && count >= total) {
            return false;
        }
        int mine = byUser.getOrDefault(user, 0);
        if (perUser > 0 && mine >= perUser) {
            return false;
        }
        int fromIp = ip == null ? 0 : byIp.getOrDefault(ip, 0);
        if (perIp > 0 && fromIp >= perIp) {
            return false;
        }
        byUser.put(user, mine + 1);
        if (ip != null) {
            byIp.put(ip, fromIp + 1);
        }
        count++;
        return true;
    }

    public synchronized void release(String user) {
        release(user, null);
    }

    public synchronized void release(String user, java.net.InetAddress ip) {
        byUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        if (ip != null) {
            byIp.computeIfPresent(ip, (u, n) -> n <= 1 ? null : n - 1);
        }
        count = Math.max(0, count - 1);
    }

    public synchronized int count() {
        return count;
    }
}
