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
    private final ConcurrentHashMap<InetAddress, Integer> byIp = new ConcurrentHashMap<>();
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
        if (open.incrementAndGet() > total && total > 0) {
            open.decrementAndGet();
            refuse(ch, "total");
            return false;
        }
        // One atomic step per key: count the connection, or refuse it when the IP is at its cap.
        boolean[] over = new boolean[1];
        byIp.compute(ip, (k, n) -> {
            int count = n == null ? 0 : n;
            over[0] = perIp > 0 && count >= perIp;
            return over[0] ? n : count + 1;
        });
        if (over[0]) {
            open.decrementAndGet();
            refuse(ch, "per_ip");
            return false;
        }
        ch.closeFuture().addListener(f -> {
            byIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
            open.decrementAndGet();
        });
        return true;
    }

    private void refuse(Channel ch, String reason) {
        metrics.tcpConnectionRefused(reason);
        ch.close();
    }
}
