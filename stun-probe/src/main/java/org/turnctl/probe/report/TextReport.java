package org.turnctl.probe.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.turnctl.probe.check.CheckResult;

/** For people: the verdict first, then a section per target and an aligned table per check. */
public final class TextReport {

    private TextReport() {
    }

    public static void write(List<TargetReport> reports, PrintWriter out) {
        String verdict = ExitCode.overallVerdict(reports).toUpperCase(Locale.ROOT);
        long passed = reports.stream().filter(r -> r.verdict().equals("pass")).count();
        long warnings = reports.stream().mapToLong(r -> r.warnings().size()).sum();
        out.printf("%s: %d of %d target(s) passed%s%n", verdict, passed, reports.size(),
                warnings == 0 ? "" : ", " + warnings + " network warning" + (warnings == 1 ? "" : "s"));
        if (reports.size() > 1) {
            // Relays side by side.
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"target", "verdict", "success", "rtt p50", "rtt p90", "loss", "nat"});
            for (TargetReport r : reports) {
                var s = r.success();
                rows.add(new String[] {r.label(), r.verdict(),
                    s == null ? "-" : s.succeeded() + "/" + s.attempts(),
                    s == null || Double.isNaN(s.rttP50()) ? "-" : s.rttP50() + " ms",
                    s == null || Double.isNaN(s.rttP90()) ? "-" : s.rttP90() + " ms",
                    s == null || Double.isNaN(s.lossPct()) ? "-" : s.lossPct() + "%",
                    r.nat() == null ? "-" : r.nat().classic()});
            }
            out.println();
            table(rows, out, "   ");
        }
        for (TargetReport r : reports) {
            out.println();
            out.printf("== %s: %s%n", r.label(), r.verdict().toUpperCase(Locale.ROOT));
            for (String t : r.thresholdFailures()) {
                out.printf("   threshold missed: %s%n", t);
            }
            for (String w : r.warnings()) {
                out.printf("   network warning (not the relay's fault): %s%n", w);
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"check", "status", "time", "verdict"});
            for (CheckResult c : r.checks()) {
                rows.add(new String[] {c.name(), c.status().lower(), c.durationMs() + " ms", c.cause()});
            }
            table(rows, out, "   ");
            for (CheckResult c : r.checks()) {
                if (c.details().isEmpty()) {
                    continue;
                }
                out.printf("   -- %s%n", c.name());
                List<String[]> d = new ArrayList<>();
                flatten("", c.details(), d);
                table(d, out, "      ");
            }
            if (r.nat() != null) {
                out.printf("   -- nat: mapping %s, filtering %s, classic %s, public %s, hairpinning %s%n", r.nat().mapping(),
                        r.nat().filtering(), r.nat().classic(), r.nat().publicAddress(),
                        r.nat().hairpinningText());
            }
            if (r.acl() != null && !r.acl().allowed().isEmpty()) {
                out.printf("   -- acl: %d special-purpose peers allowed%n", r.acl().allowed().size());
                List<String[]> a = new ArrayList<>();
                a.add(new String[] {"address", "range", "granted", "risk"});
                for (var f : r.acl().allowed()) {
                    a.add(new String[] {f.address(), f.range(), f.method() + " on " + f.relay(), f.risk()});
                }
                table(a, out, "      ");
            }
        }
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> details, List<String[]> rows) {
        for (var e : details.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                flatten(prefix + e.getKey() + ".", (Map<String, Object>) m, rows);
            } else {
                rows.add(new String[] {prefix + e.getKey(), String.valueOf(e.getValue())});
            }
        }
    }

    private static void table(List<String[]> rows, PrintWriter out, String indent) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int i = 0; i < cols - 1; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < cols; i++) {
                line.append(i < cols - 1 ? String.format("%-" + width[i] + "s  ", row[i]) : row[i]);
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
