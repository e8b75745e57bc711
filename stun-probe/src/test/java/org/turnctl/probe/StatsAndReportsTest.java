package org.turnctl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.probe.report.JUnitXmlReport;
import org.turnctl.probe.report.JsonReport;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.probe.report.TextReport;
import org.turnctl.probe.run.SuccessReport;
import org.turnctl.probe.stats.Stats;
import org.w3c.dom.Document;

class StatsAndReportsTest {

    @Test
    void nearestRankPercentiles() {
        List<Double> s = List.of(15.0, 20.0, 35.0, 40.0, 50.0);
        // The classic nearest-rank example: p30 = 20, p40 = 20, p50 = 35, p100 = 50.
        assertEquals(20.0, Stats.percentile(s, 30));
        assertEquals(20.0, Stats.percentile(s, 40));
        assertEquals(35.0, Stats.percentile(s, 50));
        assertEquals(50.0, Stats.percentile(s, 100));
        assertEquals(15.0, Stats.percentile(s, 1));
        assertTrue(Double.isNaN(Stats.percentile(List.of(), 50)));
        assertEquals(50.0, Stats.percentile(List.of(50.0, 15.0, 40.0, 20.0, 35.0), 100), "order does not matter");
    }

    @Test
    void jitterIsTheMeanAbsoluteDifferenceOfConsecutiveSamples() {
        assertEquals((5 + 15 + 5 + 10) / 4.0, Stats.jitter(List.of(15.0, 20.0, 35.0, 40.0, 50.0)));
        assertEquals(10.0, Stats.jitter(List.of(10.0, 20.0, 10.0)));
        assertTrue(Double.isNaN(Stats.jitter(List.of(1.0))));
    }

    @Test
    void exitCodePrecedence() {
        assertEquals(0, ExitCode.combine(List.of(0, 0)));
        assertEquals(1, ExitCode.combine(List.of(0, 1)));
        assertEquals(3, ExitCode.combine(List.of(1, 3, 0)));
        assertEquals(2, ExitCode.combine(List.of(3, 2, 1)));
        assertEquals(4, ExitCode.combine(List.of(2, 4, 3)));
    }

    static List<TargetReport> sample() {
        CheckResult pass = new CheckResult("binding", CheckResult.Status.PASS, "reflexive address 1.2.3.4:5", 3,
                Map.of("rttMs", 1.5, "mappedAddress", "1.2.3.4:5"));
        CheckResult fail = new CheckResult("auth", CheckResult.Status.FAIL, "credentials rejected <&\"'>", 7, Map.of());
        CheckResult skip = CheckResult.skip("nat", "server does not support RFC 5780");
        SuccessReport s = new SuccessReport(10, 9, 90.0, Map.of("timeout", 1), 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 2.0,
                Double.NaN, 180, 4, 3, List.of(1.0, 2.0), List.of(4.0, 5.0));
        return List.of(
                new TargetReport("turn:a:3478", "fail", List.of(pass, fail, skip), null, s, List.of("success rate 90.0% is below --min-success 98.0%")),
                new TargetReport("stun:b", "pass", List.of(pass), new NatReport("endpoint-independent", "address-dependent",
                        "restricted-cone", "1.2.3.4:5", null, "not tested: why"), null, List.of()));
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        StringWriter w = new StringWriter();
        JsonReport.write(sample(), w);
        String json = w.toString();
        for (String field : List.of("\"targets\"", "\"uri\"", "\"verdict\"", "\"checks\"", "\"name\"", "\"status\"",
                "\"cause\"", "\"durationMs\"", "\"nat\"", "\"mapping\"", "\"filtering\"", "\"classic\"", "\"publicAddress\"",
                "\"hairpinning\"", "\"hairpinningNote\"", "\"success\"", "\"attempts\"", "\"succeeded\"", "\"rate\"", "\"failures\"", "\"rttMs\"",
                "\"p50\"", "\"p90\"", "\"p99\"", "\"lossPct\"", "\"jitterMs\"")) {
            assertTrue(json.contains(field), field + " missing in\n" + json);
        }
        assertTrue(json.contains("\"jitterMs\" : null"), "NaN is written as null");
        assertTrue(json.contains("\"status\" : \"skip\""));
        assertTrue(json.contains("\"timeout\" : 1"));
        assertTrue(json.replaceAll("\\s+", "").contains("\"echoes\":{\"sent\":180,\"lost\":4}"), json);
        assertTrue(json.contains("\"firstPacketRetransmissions\" : 3"), json);
        assertTrue(json.contains("credentials rejected <&\\\"'>"), json);
    }

    @Test
    void junitXmlIsWellFormedWithOneTestcasePerCheck() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JUnitXmlReport.write(sample(), out);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertEquals(2, doc.getElementsByTagName("testsuite").getLength());
        assertEquals(4, doc.getElementsByTagName("testcase").getLength());
        assertEquals(1, doc.getElementsByTagName("failure").getLength());
        assertEquals(1, doc.getElementsByTagName("skipped").getLength());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("credentials rejected &lt;&amp;"));
    }

    @Test
    void textPutsTheVerdictFirst() {
        StringWriter w = new StringWriter();
        TextReport.write(sample(), new PrintWriter(w));
        String text = w.toString();
        assertTrue(text.startsWith("FAIL: 1 of 2 target(s) passed"), text);
        assertTrue(text.contains("threshold missed: success rate 90.0%"), text);
        assertTrue(text.contains("mapping endpoint-independent"), text);
    }
}
