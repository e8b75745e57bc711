package org.turnctl.server.inbound;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.turnctl.server.metrics.TurnMetrics;

/**
 * Caps on TCP and TLS connections, per source IP and in total, checked at accept: a connection
 * over a cap is closed before it gets a pipeline, so one address cannot hold the server's file
 * descriptors (each TCP allocation costs two: the connection and its relay socket). Shared by
 * every event loop; touched once at accept and once at close, never on the packet path.
 */
public final class ConnectionLimits {
    private final int perIp;
    private final int total;
    private final TurnMetrics metrics;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byIp = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /** @param perIp at most this many connections from one IP, 0 for no cap; @param total in all, 0 for no cap */
    public ConnectionLimits(int perIp, int total, TurnMetrics metrics) {
        this.perIp = perIp;
        this.total = total;
        this.metrics = metrics;
    }

    /**
     * Admits an accepted connection, counting it until it closes; false (and the connection is
     * closed, counted in {@code turn_tcp_connections_refused_total}) when a cap is reached.
     */
    public boolean admit(Channel ch) {
        InetAddress ip = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (total > 0 && open.incrementAndGet() > total) {
            open.decrementAndGet();
            refuse(ch, "total");
            return false;
        } else if (total <= 0) {
            open.incrementAndGet();
        }
        AtomicInteger n = byIp.computeIfAbsent(ip, k -> new AtomicInteger());
        if (perIp > 0 && n.incrementAndGet() > perIp) {
            release(ip, n);
            open.decrementAndGet();
            refuse(ch, "per_ip");
            return false;
        } else if (perIp <= 0) {
            n.incrementAndGet();
        }
        ch.closeFuture().addListener(f -> {
            release(ip, n);
            open.decrementAndGet();
        });
        return true;
    }

    private void release(InetAddress ip, AtomicInteger n) {
        if (n.decrementAndGet() <= 0) {
            byIp.remove(ip, n); // only if no other connection raced a new count in
        }
    }

    private void refuse(Channel ch, String reason) {
        metrics.tcpConnectionRefused(reason);
        ch.close();
    }

    /** Connections open now (tests). */
    public int open() {
        return open.get();
    }

    /** Addresses with a connection open (tests: the table empties). */
    public int addresses() {
        return byIp.size();
    }
}
