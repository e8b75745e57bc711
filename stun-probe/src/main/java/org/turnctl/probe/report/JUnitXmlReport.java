package org.turnctl.probe.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.turnctl.probe.check.CheckResult;

/** For CI dashboards: one testsuite per target, one testcase per check (JUnit XML as Jenkins/GitLab read it). */
public final class JUnitXmlReport {

    private JUnitXmlReport() {
    }

    public static void write(List<TargetReport> reports, OutputStream out) throws IOException {
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeAttribute("name", "turnctl probe");
            for (TargetReport r : reports) {
                long failures = r.checks().stream().filter(c -> c.status() == CheckResult.Status.FAIL).count();
                long skipped = r.checks().stream().filter(c -> c.status() == CheckResult.Status.SKIP).count();
                long ms = r.checks().stream().mapToLong(CheckResult::durationMs).sum();
                w.writeCharacters("\n  ");
                w.writeStartElement("testsuite");
                w.writeAttribute("name", r.label());
                w.writeAttribute("tests", String.valueOf(r.checks().size()));
                w.writeAttribute("failures", String.valueOf(failures));
                w.writeAttribute("errors", "0");
                w.writeAttribute("skipped", String.valueOf(skipped));
                w.writeAttribute("time", seconds(ms));
                for (CheckResult c : r.checks()) {
                    w.writeCharacters("\n    ");
                    w.writeStartElement("testcase");
                    w.writeAttribute("classname", r.label());
                    w.writeAttribute("name", c.name());
                    w.writeAttribute("time", seconds(c.durationMs()));
                    if (c.status() == CheckResult.Status.FAIL) {
                        w.writeStartElement("failure");
                        w.writeAttribute("message", c.cause());
                        w.writeCharacters(c.cause());
                        w.writeEndElement();
                    } else if (c.status() == CheckResult.Status.SKIP) {
                        w.writeEmptyElement("skipped");
                        w.writeAttribute("message", c.cause());
                    } else if (c.status() == CheckResult.Status.WARN && c.subject().equals(CheckResult.NETWORK)) {
                        // A finding about the probe's own network: shown, not a failure of the relay.
                        w.writeStartElement("system-err");
                        w.writeCharacters("network warning: " + c.cause());
                        w.writeEndElement();
                    } else {
                        w.writeStartElement("system-out");
                        w.writeCharacters(c.cause());
                        w.writeEndElement();
                    }
                    w.writeEndElement();
                }
                w.writeCharacters("\n  ");
                w.writeEndElement();
            }
            w.writeCharacters("\n");
            w.writeEndElement();
            w.writeEndDocument();
            w.writeCharacters("\n");
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
        }
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
