package org.turnctl.probe.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.acl.AclReport;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.TlsReport;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.run.SuccessReport;

/**
 * For CI: a stable JSON document (documented in the README). Field names are a contract.
 * Numbers that could not be measured are null, never NaN.
 */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonReport() {
    }

    public static void write(List<TargetReport> reports, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("verdict", ExitCode.overallVerdict(reports));
            g.writeNumberField("exitCode", ExitCode.of(reports));
            g.writeArrayFieldStart("targets");
            for (TargetReport r : reports) {
                g.writeStartObject();
                g.writeStringField("uri", r.uri());
                g.writeStringField("family", r.family());
                g.writeStringField("verdict", r.verdict());
                g.writeArrayFieldStart("checks");
                for (CheckResult c : r.checks()) {
                    g.writeStartObject();
                    g.writeStringField("name", c.name());
                    g.writeStringField("status", c.status().lower());
                    g.writeStringField("subject", c.subject());
                    g.writeStringField("cause", c.cause());
                    g.writeNumberField("durationMs", c.durationMs());
                    g.writeFieldName("details");
                    map(g, c.details());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("thresholdFailures");
                for (String t : r.thresholdFailures()) {
                    g.writeString(t);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("warnings");
                for (String w : r.warnings()) {
                    g.writeString(w);
                }
                g.writeEndArray();
                nat(g, r.nat());
                success(g, r.success());
                if (r.tls() != null) {
                    tls(g, r.tls());
                }
                if (r.acl() != null) {
                    acl(g, r.acl());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write(System.lineSeparator());
        out.flush();
    }

    /** targets[].tls: what the handshake and the certificate check found (turns:/stuns: only). */
    private static void tls(JsonGenerator g, TlsReport t) throws IOException {
        g.writeObjectFieldStart("tls");
        g.writeStringField("version", t.version());
        g.writeStringField("cipher", t.cipher());
        g.writeStringField("alpn", t.alpn());
        g.writeNumberField("handshakeMs", t.handshakeMs());
        g.writeBooleanField("verified", t.verified());
        if (t.cause() == null) {
            g.writeNullField("cause");
        } else {
            g.writeStringField("cause", t.cause());
        }
        g.writeArrayFieldStart("chain");
        for (TlsReport.CertificateInfo c : t.chain()) {
            g.writeStartObject();
            g.writeStringField("subject", c.subject());
            g.writeStringField("issuer", c.issuer());
            g.writeArrayFieldStart("sans");
            for (String san : c.sans()) {
                g.writeString(san);
            }
            g.writeEndArray();
            g.writeStringField("notAfter", c.notAfter());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (t.daysLeft() == null) {
            g.writeNullField("daysLeft");
        } else {
            g.writeNumberField("daysLeft", t.daysLeft());
        }
        g.writeEndObject();
    }

    /** targets[].acl: the special-purpose peers the relay would let a client reach (--checks acl only). */
    private static void acl(JsonGenerator g, AclReport a) throws IOException {
        g.writeObjectFieldStart("acl");
        g.writeNumberField("tested", a.tested());
        g.writeNumberField("unanswered", a.unanswered());
        g.writeArrayFieldStart("allowed");
        for (AclReport.Finding f : a.allowed()) {
            g.writeStartObject();
            g.writeStringField("address", f.address());
            g.writeStringField("range", f.range());
            g.writeStringField("risk", f.risk());
            g.writeStringField("method", f.method());
            g.writeStringField("relay", f.relay());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("notes");
        for (String n : a.notes()) {
            g.writeString(n);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void nat(JsonGenerator g, NatReport n) throws IOException {
        if (n == null) {
            g.writeNullField("nat");
            return;
        }
        g.writeObjectFieldStart("nat");
        g.writeStringField("mapping", n.mapping());
        g.writeStringField("filtering", n.filtering());
        g.writeStringField("classic", n.classic());
        g.writeStringField("publicAddress", n.publicAddress());
        if (n.hairpinning() == null) {
            g.writeNullField("hairpinning");
            g.writeStringField("hairpinningNote", n.hairpinningNote());
        } else {
            g.writeBooleanField("hairpinning", n.hairpinning());
        }
        g.writeEndObject();
    }

    private static void success(JsonGenerator g, SuccessReport s) throws IOException {
        if (s == null) {
            g.writeNullField("success");
            return;
        }
        g.writeObjectFieldStart("success");
        g.writeNumberField("attempts", s.attempts());
        g.writeNumberField("succeeded", s.succeeded());
        number(g, "rate", s.ratePct());
        g.writeObjectFieldStart("failures");
        for (var e : s.failures().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("rttMs");
        number(g, "p50", s.rttP50());
        number(g, "p90", s.rttP90());
        number(g, "p99", s.rttP99());
        g.writeEndObject();
        g.writeObjectFieldStart("timeToFirstPacketMs");
        number(g, "p50", s.firstPacketP50());
        number(g, "p90", s.firstPacketP90());
        number(g, "p99", s.firstPacketP99());
        g.writeEndObject();
        g.writeNumberField("firstPacketRetransmissions", s.firstPacketRetransmissions());
        g.writeObjectFieldStart("echoes");
        g.writeNumberField("sent", s.echoesSent());
        g.writeNumberField("lost", s.echoesLost());
        g.writeEndObject();
        number(g, "lossPct", s.lossPct());
        number(g, "jitterMs", s.jitterMs());
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    @SuppressWarnings("unchecked")
    private static void map(JsonGenerator g, Map<String, Object> m) throws IOException {
        g.writeStartObject();
        for (var e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                g.writeFieldName(e.getKey());
                map(g, (Map<String, Object>) sub);
            } else if (v instanceof Double d) {
                number(g, e.getKey(), d);
            } else if (v instanceof Number n) {
                g.writeNumberField(e.getKey(), n.longValue());
            } else if (v instanceof Boolean b) {
                g.writeBooleanField(e.getKey(), b);
            } else {
                g.writeStringField(e.getKey(), String.valueOf(v));
            }
        }
        g.writeEndObject();
    }
}
