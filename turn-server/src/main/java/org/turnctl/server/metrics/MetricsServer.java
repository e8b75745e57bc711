package org.turnctl.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoint: {@code /metrics} (Prometheus text), {@code /healthz} (200 while the
 * process runs), {@code /readyz} (200 once every listener is bound; 503 while starting or
 * stopping). The JDK's HTTP server on one small thread: scrapes are rare and cheap.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer http;

    private MetricsServer(HttpServer http) {
        this.http = http;
    }

    public static MetricsServer start(InetSocketAddress at, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        HttpServer http = HttpServer.create(at, 16);
        http.createContext("/metrics", ex -> {
            if (!ex.getRequestURI().getPath().equals("/metrics")) {
                reply(ex, 404, "not found\n", "text/plain");
                return;
            }
            reply(ex, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8");
        });
        http.createContext("/healthz", ex -> reply(ex, 200, "ok\n", "text/plain"));
        http.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            reply(ex, ok ? 200 : 503, ok ? "ready\n" : "not ready\n", "text/plain");
        });
        http.createContext("/", ex -> reply(ex, 404, "not found: try /metrics, /healthz, /readyz\n", "text/plain"));
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "turnctl-metrics-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return new MetricsServer(http);
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Serves {@code path} and below with this handler (the admin API is added this way when configured). */
    public void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        http.createContext(path, handler);
    }

    /** Answers an exchange with a UTF-8 body (none for HEAD); the admin API answers through this too. */
    public static void reply(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
