package org.turnctl.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.turnctl.probe.check.Causes;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.probe.run.SuccessReport;

/**
 * {@code probe --watch}: the probe as a blackbox exporter for TURN, the source of the service's
 * KPIs (connection success, RTT, loss). Every series has the label {@code target} (the URI, with
 * " (ipv4)" or " (ipv6)" after it when --family asked for one), and
 * {@code check} when a check measured it:
 * <ul>
 *   <li>{@code turnctl_probe_up}: 0 when the target did not answer at all;</li>
 *   <li>{@code turnctl_probe_success_ratio}, {@code turnctl_probe_loss_ratio},
 *       {@code turnctl_probe_jitter_seconds}: the last round's success run;</li>
 *   <li>{@code turnctl_probe_attempts_total{result}}: connection attempts, {@code ok} or the
 *       failure cause from {@link Causes#LABELS} (a fixed set, so the series are bounded);</li>
 *   <li>the histograms {@code turnctl_probe_rtt_seconds} (every echo's round trip) and
 *       {@code turnctl_probe_time_to_first_packet_seconds} (each connected attempt), with
 *       buckets that fit network round trips and a bound at the 150 ms target;</li>
 *   <li>{@code turnctl_probe_allocate_seconds} (the auth check's challenge and Allocate) and,
 *       for turns:/stuns: targets, {@code turnctl_probe_tls_days_left}.</li>
 * </ul>
 */
final class ProbeExporter {
    /** 0.5 ms to 2.5 s: loopback to intercontinental, with 150 ms, the RTT target, as a bucket bound. */
    static final Duration[] RTT_BUCKETS = Arrays.stream(new long[] {500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000,
            150_000, 250_000, 500_000, 1_000_000, 2_500_000}).mapToObj(us -> Duration.ofNanos(us * 1000)).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Series> byTarget = new HashMap<>();

    /** One target's meters. The gauges read NaN until the first round says otherwise. */
    private final class Series {
        final AtomicReference<Double> up = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> success = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> loss = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> jitter = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> allocate = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> tlsDays = new AtomicReference<>(Double.NaN);
        final Timer rtt;
        final Timer firstPacket;
        final Map<String, Counter> attempts = new HashMap<>();

        Series(String t) {
            gauge("turnctl_probe_up", t, null, up);
            gauge("turnctl_probe_success_ratio", t, "success", success);
            gauge("turnctl_probe_loss_ratio", t, "success", loss);
            gauge("turnctl_probe_jitter_seconds", t, "success", jitter);
            gauge("turnctl_probe_allocate_seconds", t, "auth", allocate);
            if (t.startsWith("turns:") || t.startsWith("stuns:")) {
                gauge("turnctl_probe_tls_days_left", t, "tls", tlsDays);
            }
            rtt = histogram("turnctl_probe_rtt_seconds", t);
            firstPacket = histogram("turnctl_probe_time_to_first_packet_seconds", t);
            // Every result from the start, so rate() and increase() see the first failure.
            attempts.put("ok", attemptsCounter(t, "ok"));
            for (String cause : Causes.LABELS) {
                attempts.put(cause, attemptsCounter(t, cause));
            }
        }
    }

    ProbeExporter(List<String> targets) {
        for (String t : targets) {
            byTarget.put(t, new Series(t));
        }
    }

    private void gauge(String name, String target, String check, AtomicReference<Double> value) {
        Gauge.Builder<AtomicReference<Double>> b = Gauge.builder(name, value, AtomicReference::get).tag("target", target)
                .strongReference(true);
        if (check != null) {
            b.tag("check", check);
        }
        b.register(registry);
    }

    /**
     * A Timer, exported in seconds with the buckets {@link #RTT_BUCKETS}. Not a DistributionSummary:
     * its histogram counts whole units, so every sub-second round trip landed in the 1 s bucket.
     */
    private Timer histogram(String name, String target) {
        return Timer.builder(name.replaceFirst("_seconds$", "")).tag("target", target).tag("check", "success")
                .serviceLevelObjectives(RTT_BUCKETS).register(registry);
    }

    private static void recordMillis(Timer t, double ms) {
        t.record(Math.round(ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    private Counter attemptsCounter(String target, String result) {
        return Counter.builder("turnctl_probe_attempts_total").tag("target", target).tag("check", "success")
                .tag("result", result).register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    void record(TargetReport r) {
        Series s = byTarget.get(r.label());
        if (s == null) {
            return;
        }
        boolean unreachable = r.verdict().equals("unreachable");
        s.up.set(unreachable ? 0.0 : 1.0);
        SuccessReport run = r.success();
        if (run != null) {
            s.success.set(run.attempts() == 0 ? 0.0 : (double) run.succeeded() / run.attempts());
            s.loss.set(Double.isNaN(run.lossPct()) ? Double.NaN : run.lossPct() / 100.0);
            s.jitter.set(Double.isNaN(run.jitterMs()) ? Double.NaN : run.jitterMs() / 1000.0);
            for (double ms : run.rttSamplesMs()) {
                recordMillis(s.rtt, ms);
            }
            for (double ms : run.firstPacketSamplesMs()) {
                recordMillis(s.firstPacket, ms);
            }
            s.attempts.get("ok").increment(run.succeeded());
            run.failures().forEach((cause, n) -> s.attempts.get(Causes.label(cause)).increment(n));
        } else {
            // No success run this round (another check failed first): a target that did not answer has failed.
            s.success.set(unreachable ? 0.0 : Double.NaN);
            s.loss.set(Double.NaN);
            s.jitter.set(Double.NaN);
        }
        if (r.tls() != null) {
            s.tlsDays.set(r.tls().daysLeft() == null ? Double.NaN : r.tls().daysLeft().doubleValue());
        }
        for (CheckResult c : r.checks()) {
            if (c.name().equals("auth") && c.status() == CheckResult.Status.PASS) {
                s.allocate.set(c.durationMs() / 1000.0);
            }
        }
    }
}
