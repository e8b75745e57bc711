package org.turnctl.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * Metrics and health for one server process: the registry, the recorder the server writes to,
 * the HTTP endpoint, and the readiness flag ({@code /readyz}). Started before the listeners, so
 * that {@code /readyz} says 503 while they are being bound.
 */
public final class Operations implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final MicrometerTurnMetrics metrics;
    private final MetricsServer http;
    private final AtomicBoolean readyFlag;
    private final AtomicReference<IntSupplier> portsRef;

    private Operations(PrometheusMeterRegistry registry, MicrometerTurnMetrics metrics, MetricsServer http,
            AtomicBoolean readyFlag, AtomicReference<IntSupplier> portsRef) {
        this.registry = registry;
        this.metrics = metrics;
        this.http = http;
        this.readyFlag = readyFlag;
        this.portsRef = portsRef;
    }

    /** @param at where /metrics, /healthz and /readyz listen; null for metrics without an endpoint */
    public static Operations start(InetSocketAddress at) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<IntSupplier> ports = new AtomicReference<>(() -> 0);
        MicrometerTurnMetrics metrics = new MicrometerTurnMetrics(registry, () -> ports.get().getAsInt());
        AtomicBoolean ready = new AtomicBoolean();
        MetricsServer http = at == null ? null : MetricsServer.start(at, registry, ready::get);
        return new Operations(registry, metrics, http, ready, ports);
    }

    public TurnMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Where the HTTP endpoint listens, or null. */
    public InetSocketAddress address() {
        return http == null ? null : http.address();
    }

    /** The relay port pool's size in use, read at scrape time. */
    public void relayPortsInUse(IntSupplier supplier) {
        portsRef.set(supplier);
    }

    /**
     * Serves more under this endpoint (the admin API: {@code /admin/}); false without an endpoint,
     * where there is nowhere to serve it.
     */
    public boolean serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        if (http == null) {
            return false;
        }
        http.serve(path, handler);
        return true;
    }

    public void ready(boolean isReady) {
        readyFlag.set(isReady);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        registry.close();
    }
}
