package org.turnctl.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.turnctl.server.TurnServer;
import org.turnctl.server.admin.AdminApi;
import org.turnctl.server.allocation.AllocationView;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.metrics.Operations;
import org.turnctl.server.systemd.SystemdNotifier;

/**
 * A running `turnctl serve` after it started: how it stops (at once, or after a drain), and what
 * its admin API acts on. Signals and the admin API call in here from their own threads; each
 * step happens once.
 */
final class ServeLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger("turnctl.server");
    /** How long a drain asked for over the admin API waits without --drain-timeout. */
    private static final Duration API_DRAIN_LIMIT = Duration.ofHours(1);

    private final TurnServer server;
    private final Operations ops;
    private final ServerConfig config;
    private final SystemdNotifier systemd;
    private final Duration drainTimeout;
    private final long startedAt = System.currentTimeMillis();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean drainStarted = new AtomicBoolean();

    ServeLifecycle(TurnServer server, Operations ops, ServerConfig config, SystemdNotifier systemd, Duration drainTimeout) {
        this.server = server;
        this.ops = ops;
        this.config = config;
        this.systemd = systemd;
        this.drainTimeout = drainTimeout;
    }

    /** SIGTERM: a drain with --drain-timeout, else a stop. */
    void terminate() {
        if (drainTimeout.isZero()) {
            stop();
        } else if (drainStarted.compareAndSet(false, true)) {
            drainThenStop(drainTimeout);
        }
    }

    /** Stops now (SIGINT, or the end of a drain); the process exits even if closing the server throws. */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        ops.ready(false);
        systemd.stopping("stopping: releasing " + server.allocationCount() + " allocation(s)");
        LOG.atInfo().addKeyValue("event", "shutting_down").log("shutting down: releasing {} allocation(s)", server.allocationCount());
        try {
            server.close();
        } catch (RuntimeException e) {
            LOG.error("shutdown: {}", e.toString());
        } finally {
            ops.close();
            systemd.close();
            stopped.countDown();
        }
    }

    /** Blocks until the server has stopped. */
    void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    /**
     * The drain: not ready, new clients elsewhere, wait until the last allocation ends or the
     * limit passes (polled; a SIGINT meanwhile stops at once), one log line at each end.
     */
    private void drainThenStop(Duration limit) {
        ops.ready(false);
        server.drain();
        systemd.stopping("draining: " + server.allocationCount() + " allocation(s) left, new clients sent elsewhere");
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        LOG.atInfo().addKeyValue("event", "drain_started").addKeyValue("allocations", server.allocationCount())
                .log("draining: {} allocation(s), new clients sent elsewhere, up to {} s", server.allocationCount(),
                        limit.toSeconds());
        while (server.allocationCount() > 0 && System.nanoTime() < deadline && !stopping.get()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        LOG.atInfo().addKeyValue("event", "drain_ended").addKeyValue("allocations", server.allocationCount())
                .addKeyValue("seconds", seconds)
                .log("drained: {} allocation(s) left after {} s", server.allocationCount(), seconds);
        stop();
    }

    /** What the admin API acts on: this server, and this process's drain. */
    AdminApi adminApi() {
        return new AdminApi() {
            @Override
            public List<AllocationView> allocations() {
                return server.allocations();
            }

            @Override
            public int end(Predicate<AllocationView> which) {
                return server.end(which);
            }

            @Override
            public boolean drain() {
                if (!drainStarted.compareAndSet(false, true)) {
                    return false;
                }
                Duration limit = drainTimeout.isZero() ? API_DRAIN_LIMIT : drainTimeout;
                new Thread(() -> drainThenStop(limit), "turnctl-drain").start();
                return true;
            }

            @Override
            public Map<String, Object> status() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("draining", server.draining());
                m.put("allocations", server.allocationCount());
                m.put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000);
                m.put("version", VersionProvider.version());
                m.put("settings", config.toString()); // secrets masked by ServerConfig.toString
                return m;
            }
        };
    }
}
