package org.turnctl.cli;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.report.TargetReport;

/**
 * {@code probe --watch}: the probe as a blackbox exporter for TURN. Per target (label
 * {@code target}, the URI): {@code turnctl_probe_up}, {@code turnctl_probe_success_ratio},
 * {@code turnctl_probe_allocate_seconds} (the auth check's challenge + Allocate), and the
 * histogram {@code turnctl_probe_rtt_seconds} of every relayed round trip; for turns:/stuns:
 * targets {@code turnctl_probe_tls_days_left}, the days until the server's certificate expires.
 */
final class ProbeExporter {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicReference<Double>[]> gauges = new HashMap<>();
    private final Map<String, DistributionSummary> rtts = new HashMap<>();

    @SuppressWarnings("unchecked")
    ProbeExporter(List<String> targets) {
        for (String t : targets) {
            AtomicReference<Double>[] g = new AtomicReference[] {new AtomicReference<>(Double.NaN),
                new AtomicReference<>(Double.NaN), new AtomicReference<>(Double.NaN), new AtomicReference<>(Double.NaN)};
            gauges.put(t, g);
            Gauge.builder("turnctl_probe_up", g[0], AtomicReference::get).tag("target", t).strongReference(true).register(registry);
            Gauge.builder("turnctl_probe_success_ratio", g[1], AtomicReference::get).tag("target", t).strongReference(true)
                    .register(registry);
            Gauge.builder("turnctl_probe_allocate_seconds", g[2], AtomicReference::get).tag("target", t).strongReference(true)
                    .register(registry);
            if (t.startsWith("turns:") || t.startsWith("stuns:")) {
                Gauge.builder("turnctl_probe_tls_days_left", g[3], AtomicReference::get).tag("target", t)
                        .strongReference(true).register(registry);
            }
            // Seconds, recorded from milliseconds: a summary with a histogram, as the RTT spread is the point.
            rtts.put(t, DistributionSummary.builder("turnctl_probe_rtt_seconds").tag("target", t).publishPercentileHistogram()
                    .minimumExpectedValue(0.0001).maximumExpectedValue(10.0).register(registry));
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    void record(TargetReport r) {
        AtomicReference<Double>[] g = gauges.get(r.uri());
        if (g == null) {
            return;
        }
        g[0].set(r.verdict().equals("unreachable") ? 0.0 : 1.0);
        if (r.success() != null) {
            g[1].set(r.success().attempts() == 0 ? 0.0 : (double) r.success().succeeded() / r.success().attempts());
            DistributionSummary s = rtts.get(r.uri());
            for (double ms : r.success().rttSamplesMs()) {
                s.record(ms / 1000.0);
            }
        } else {
            g[1].set(r.verdict().equals("unreachable") ? 0.0 : Double.NaN);
        }
        if (r.tls() != null) {
            g[3].set(r.tls().daysLeft() == null ? Double.NaN : r.tls().daysLeft().doubleValue());
        }
        for (CheckResult c : r.checks()) {
            if (c.name().equals("auth") && c.status() == CheckResult.Status.PASS) {
                g[2].set(c.durationMs() / 1000.0);
            }
        }
    }
}
