package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.check.Causes;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.probe.run.SuccessReport;

/** What probe --watch exports for one round, read back from the Prometheus page. */
class ProbeExporterTest {
    private static final String T = "turn:relay.example:3478";

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), series + " missing in:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static TargetReport round(int attempts, int ok, Map<String, Integer> failures, double lossPct, List<Double> rttsMs) {
        SuccessReport s = new SuccessReport(attempts, ok, 100.0 * ok / attempts, failures, 1, 2, 3, 4, 5, 6, lossPct, 1.5, 100,
                (int) lossPct, 0, rttsMs, List.of(20.0, 30.0));
        CheckResult auth = new CheckResult("auth", CheckResult.Status.PASS, "ok", 42, Map.of());
        return new TargetReport(T, ok == attempts ? "pass" : "fail", List.of(auth), null, s, List.of());
    }

    @Test
    void aRoundBecomesTheKpiSeries() {
        ProbeExporter e = new ProbeExporter(List.of(T));
        String before = e.registry().scrape();
        // Every result exists before the first failure, so increase() sees it.
        for (String result : Causes.LABELS) {
            assertEquals(0.0, value(before, "turnctl_probe_attempts_total{check=\"success\",result=\"" + result + "\",target=\"" + T + "\"}"));
        }
        e.record(round(10, 8, Map.of("timeout", 1, "error-599", 1), 2.5, List.of(0.4, 120.0, 180.0)));
        String s = e.registry().scrape();
        String l = "check=\"success\",target=\"" + T + "\"";
        assertEquals(1.0, value(s, "turnctl_probe_up{target=\"" + T + "\"}"));
        assertEquals(0.8, value(s, "turnctl_probe_success_ratio{" + l + "}"), 1e-9);
        assertEquals(0.025, value(s, "turnctl_probe_loss_ratio{" + l + "}"), 1e-9);
        assertEquals(0.0015, value(s, "turnctl_probe_jitter_seconds{" + l + "}"), 1e-9);
        assertEquals(0.042, value(s, "turnctl_probe_allocate_seconds{check=\"auth\",target=\"" + T + "\"}"), 1e-9);
        assertEquals(8.0, value(s, "turnctl_probe_attempts_total{check=\"success\",result=\"ok\",target=\"" + T + "\"}"));
        assertEquals(1.0, value(s, "turnctl_probe_attempts_total{check=\"success\",result=\"timeout\",target=\"" + T + "\"}"));
        assertEquals(1.0, value(s, "turnctl_probe_attempts_total{check=\"success\",result=\"other-error\",target=\"" + T + "\"}"),
                "a code outside the fixed set is other-error, not a new series");
        assertTrue(!s.contains("error-599"), s);

        // RTT buckets fit network round trips, with the 150 ms target as a bound.
        List<String> bounds = s.lines().filter(x -> x.startsWith("turnctl_probe_rtt_seconds_bucket{"))
                .map(x -> x.replaceAll(".*le=\"([^\"]+)\".*", "$1")).toList();
        assertEquals(List.of("5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.15", "0.25", "0.5", "1.0",
                "2.5", "+Inf"), bounds);
        assertEquals(1.0, value(s, "turnctl_probe_rtt_seconds_bucket{" + l + ",le=\"5.0E-4\"}"), "0.4 ms");
        assertEquals(2.0, value(s, "turnctl_probe_rtt_seconds_bucket{" + l + ",le=\"0.15\"}"), "0.4 and 120 ms are under 150 ms");
        assertEquals(3.0, value(s, "turnctl_probe_rtt_seconds_count{" + l + "}"));
        assertEquals(2.0, value(s, "turnctl_probe_time_to_first_packet_seconds_count{" + l + "}"));
        assertEquals(2.0, value(s, "turnctl_probe_time_to_first_packet_seconds_bucket{" + l + ",le=\"0.05\"}"));

        // The next round adds to the counters and histograms and replaces the gauges.
        e.record(round(10, 10, Map.of(), 0.0, List.of(1.0)));
        String next = e.registry().scrape();
        assertEquals(18.0, value(next, "turnctl_probe_attempts_total{check=\"success\",result=\"ok\",target=\"" + T + "\"}"));
        assertEquals(1.0, value(next, "turnctl_probe_success_ratio{" + l + "}"));
        assertEquals(0.0, value(next, "turnctl_probe_loss_ratio{" + l + "}"));
        assertEquals(4.0, value(next, "turnctl_probe_rtt_seconds_count{" + l + "}"));
    }

    @Test
    void anUnreachableTargetIsDownWithZeroSuccess() {
        ProbeExporter e = new ProbeExporter(List.of(T));
        e.record(new TargetReport(T, "unreachable", List.of(), null, null, List.of()));
        String s = e.registry().scrape();
        assertEquals(0.0, value(s, "turnctl_probe_up{target=\"" + T + "\"}"));
        assertEquals(0.0, value(s, "turnctl_probe_success_ratio{check=\"success\",target=\"" + T + "\"}"));
    }
}
