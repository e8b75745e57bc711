package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.cli.Turnctl;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.Operations;
import org.turnctl.stun.codec.Integrity;

/** What ops install: systemd unit, example config, Docker files, dashboard and alerts. */
class DeploymentFilesIT {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final boolean CI = "true".equals(System.getenv("CI"));

    record Run(int code, String output) {
    }

    static Run exec(List<String> cmd) throws Exception {
        return exec(cmd, Map.of());
    }

    static Run exec(List<String> cmd, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("exec", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static void requireTool(String tool) {
        if (CI) {
            assertTrue(onPath(tool), tool + " is missing on CI (.ci/run installs it)");
        }
        assumeTrue(onPath(tool), tool + " not installed");
    }

    @Test
    void systemdUnitVerifies(@TempDir Path dir) throws Exception {
        requireTool("systemd-analyze");
        requireTool("man");
        String unit = Files.readString(ROOT.resolve("systemd/turnctl.service"));
        for (String directive : List.of(
                "ExecStart=/usr/bin/java $TURNCTL_JAVA_OPTS -jar /opt/turnctl/turnctl.jar serve --config /etc/turnctl/turnctl.conf",
                "User=turnctl", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectHome=yes", "PrivateTmp=yes", "LimitNOFILE=1048576", "ExecReload=/bin/kill -HUP $MAINPID",
                "Restart=on-failure", "Type=notify", "NotifyAccess=main", "WatchdogSec=")) {
            assertTrue(unit.contains(directive), directive);
        }
        // A stub at the ExecStart path, so the check does not depend on where this machine's java is.
        Path stub = dir.resolve("java");
        Files.writeString(stub, "#!/bin/sh\nexit 0\n");
        stub.toFile().setExecutable(true);
        Path ok = dir.resolve("turnctl.service");
        Files.writeString(ok, unit.replace("/usr/bin/java", stub.toString()));
        // Documentation=man:... pages are checked too (with `man`): the build's own pages.
        Map<String, String> manpath = Map.of("MANPATH", ROOT.resolve("cli/target/man").toString());
        Run verify = exec(List.of("systemd-analyze", "verify", ok.toString()), manpath);
        assertEquals(0, verify.code(), verify.output());
        Path undocumented = dir.resolve("undocumented.service");
        Files.writeString(undocumented, unit.replace("/usr/bin/java", stub.toString())
                .replace("man:turnctl(1)", "man:turnctl-no-such-page(1)"));
        assertNotEquals(0, exec(List.of("systemd-analyze", "verify", undocumented.toString()), manpath).code(),
                "a Documentation= page that does not exist");
        // The check can fail: a missing executable is reported.
        Path broken = dir.resolve("broken.service");
        Files.writeString(broken, unit.replace("/usr/bin/java", dir.resolve("no-such-java").toString()));
        Run bad = exec(List.of("systemd-analyze", "verify", broken.toString()), manpath);
        assertNotEquals(0, bad.code(), bad.output());
    }

    @Test
    void launcherImageAndUnitRunTheSameBoundedJvm() throws Exception {
        Pattern sh = Pattern.compile("default_java_opts=\"([^\"]+)\"");
        Matcher launcher = sh.matcher(Files.readString(ROOT.resolve("turnctl")));
        Matcher image = sh.matcher(Files.readString(ROOT.resolve("docker/turnctl")));
        Matcher packaged = sh.matcher(Files.readString(ROOT.resolve("dist/turnctl.sh")));
        Matcher unit = Pattern.compile("Environment=\"TURNCTL_JAVA_OPTS=([^\"]+)\"")
                .matcher(Files.readString(ROOT.resolve("systemd/turnctl.service")));
        assertTrue(launcher.find() && image.find() && unit.find() && packaged.find(), "default JVM options missing");
        assertEquals(launcher.group(1), packaged.group(1), "dist/turnctl.sh");
        assertEquals(launcher.group(1), image.group(1), "docker/turnctl");
        assertEquals(launcher.group(1), unit.group(1), "systemd/turnctl.service");
        assertTrue(launcher.group(1).matches(".*-Xmx\\d+[mg].*"), "a bounded heap: " + launcher.group(1));
        // The options start a JVM as given (a typo or two collectors would not).
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(launcher.group(1).split(" ")));
        cmd.add("-version");
        Run version = exec(cmd);
        assertEquals(0, version.code(), version.output());
    }

    @Test
    void exampleConfigPassesConfigCheck() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Turnctl.run(new String[] {"config", "check", ROOT.resolve("deploy/turnctl.conf.example").toString()},
                Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("user = alice:***"), out.toString());
        assertFalse(out.toString().contains("change-me"));
    }

    @Test
    void everyFileTheDockerfileCopiesExists() throws Exception {
        List<String> copied = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("docker/Dockerfile"))) {
            String l = line.strip();
            if (l.startsWith("COPY ") && !l.contains("--from=")) {
                String[] parts = l.substring(5).strip().split("\\s+");
                for (int i = 0; i < parts.length - 1; i++) {
                    copied.add(parts[i]);
                }
            }
        }
        assertTrue(copied.size() >= 5, copied.toString());
        for (String c : copied) {
            assertTrue(Files.exists(ROOT.resolve(c)), "COPY source missing: " + c);
        }
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        for (String expose : List.of("3478/udp", "3478/tcp", "5349/tcp", "5349/udp", "9641")) {
            assertTrue(dockerfile.contains(expose), expose);
        }
        assertTrue(dockerfile.contains("USER turnctl") && dockerfile.contains("HEALTHCHECK") && dockerfile.contains("turnctl\", \"health"));
        assertTrue(Files.isExecutable(ROOT.resolve("docker/turnctl")));
    }

    @Test
    void composeAndProvisioningYamlParse() throws Exception {
        String python = null;
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            if ((candidate.startsWith("/") ? Files.isExecutable(Path.of(candidate)) : onPath(candidate))
                    && exec(List.of(candidate, "-c", "import yaml")).code() == 0) {
                python = candidate;
                break;
            }
        }
        if (CI) {
            assertTrue(python != null, "python3 with PyYAML is needed on CI (.ci/run installs python3-yaml)");
        }
        assumeTrue(python != null, "no python3 with PyYAML");
        for (String f : List.of("docker/compose.yaml", "deploy/prometheus/prometheus.yml", "deploy/prometheus/alerts.yml",
                "deploy/grafana/provisioning/dashboards/turnctl.yaml", "deploy/grafana/provisioning/datasources/prometheus.yaml")) {
            Run r = exec(List.of(python, "-c", "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert isinstance(d, dict)",
                    ROOT.resolve(f).toString()));
            assertEquals(0, r.code(), f + ": " + r.output());
        }
        String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));
        Matcher m = Pattern.compile("\\.\\./([\\w./-]+):").matcher(compose);
        while (m.find()) {
            assertTrue(Files.exists(ROOT.resolve(m.group(1))), "compose mounts a missing file: " + m.group(1));
        }
        assertTrue(compose.contains("network_mode: host"));
        // The compose probe feeds the KPI row: Prometheus scrapes it where it listens.
        Matcher probe = Pattern.compile("\"--watch\", \"[^\"]+\", \"--metrics-listen\", \"([^\"]+)\"").matcher(compose);
        assertTrue(probe.find(), "a probe --watch service in compose");
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertTrue(Pattern.compile("job_name: turnctl-probe\\s+static_configs:\\s+- targets: \\[\"" + Pattern.quote(probe.group(1)) + "\"\\]")
                .matcher(prometheus).find(), "Prometheus scrapes the probe at " + probe.group(1) + ":\n" + prometheus);
    }

    private static final Pattern SELECTOR = Pattern.compile("\\b((?:turnctl|turn|stun)_[a-z0-9_]+)(\\{([^}]*)\\})?");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern RECORDED = Pattern.compile("\\bturnctl:[a-z0-9_:]+");

    /** Metric names in PromQL (turn_, stun_, turnctl_; a histogram's _bucket/_sum/_count folded into its name). */
    static Set<String> metricNames(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = SELECTOR.matcher(promql);
        while (m.find()) {
            names.add(m.group(1).replaceFirst("_(bucket|sum|count)$", ""));
        }
        return names;
    }

    /** Every label name of the series of {@code metric} (with its _bucket/_sum/_count) in a scrape. */
    static Set<String> labelsOf(String scrape, String metric) {
        Set<String> labels = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:_bucket|_sum|_count)?\\{([^}]*)\\}").matcher(scrape);
        while (line.find()) {
            Matcher l = Pattern.compile("(\\w+)=\"").matcher(line.group(1));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        return labels;
    }

    /** The PromQL of the dashboard's panels and of every rule in alerts.yml. */
    @SuppressWarnings("unchecked")
    static List<String> expressions() throws Exception {
        var yaml = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        List<String> exprs = new ArrayList<>();
        Map<String, Object> dashboard = yaml.unmarshal(Files.readString(ROOT.resolve("deploy/grafana/turnctl.json")), Map.class);
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            for (Map<String, Object> t : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
                exprs.add((String) t.get("expr"));
            }
        }
        for (Map<String, Object> rule : rules()) {
            exprs.add((String) rule.get("expr"));
        }
        return exprs;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() throws Exception {
        var yaml = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        Map<String, Object> alerts = yaml.unmarshal(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml")), Map.class);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) alerts.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    /**
     * Every metric the dashboard and the alerts query is exported by a live server or a live
     * `probe --watch`, with every label the query selects or groups by; every recording rule they
     * read is recorded in alerts.yml.
     */
    @Test
    void dashboardAndAlertsUseMetricsAndLabelsThatAreExported() throws Exception {
        String scrape = scrapeOfARunningServer() + scrapeOfALiveProbe();
        Set<String> recorded = new TreeSet<>();
        for (Map<String, Object> rule : rules()) {
            if (rule.get("record") != null) {
                recorded.add((String) rule.get("record"));
            }
        }
        List<String> exprs = expressions();
        Set<String> used = new TreeSet<>();
        for (String expr : exprs) {
            Set<String> names = metricNames(expr);
            used.addAll(names);
            Set<String> exprLabels = new TreeSet<>(Set.of("le"));
            for (String name : names) {
                assertTrue(Pattern.compile("(?m)^" + Pattern.quote(name) + "(_bucket|_sum|_count)?[{ ]").matcher(scrape).find(),
                        name + " is used by the dashboard or alerts but not exported: " + expr);
                exprLabels.addAll(labelsOf(scrape, name));
            }
            Matcher sel = SELECTOR.matcher(expr);
            while (sel.find()) {
                if (sel.group(3) == null) {
                    continue;
                }
                Set<String> have = labelsOf(scrape, sel.group(1).replaceFirst("_(bucket|sum|count)$", ""));
                Matcher l = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)").matcher(sel.group(3));
                while (l.find()) {
                    assertTrue(have.contains(l.group(1)) || l.group(1).equals("le") && sel.group(1).endsWith("_bucket"),
                            sel.group(1) + " has no label " + l.group(1) + " (it has " + have + "): " + expr);
                }
            }
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String label : g.group(1).split(",")) {
                    if (!label.isBlank()) {
                        assertTrue(exprLabels.contains(label.strip()), "no series in it has the label " + label.strip() + ": " + expr);
                    }
                }
            }
            Matcher r = RECORDED.matcher(expr);
            while (r.find()) {
                assertTrue(recorded.contains(r.group()), r.group() + " is not recorded in alerts.yml: " + expr);
            }
        }
        assertTrue(used.containsAll(Set.of("turnctl_probe_attempts_total", "turnctl_probe_rtt_seconds", "turnctl_probe_loss_ratio",
                "turnctl_probe_time_to_first_packet_seconds", "turn_relay_ports_capacity", "turn_allocations_active")), used.toString());
        // The check can fail: a label no series has.
        assertTrue(labelsOf(scrape, "turnctl_probe_rtt_seconds").containsAll(Set.of("target", "check")));
        assertFalse(labelsOf(scrape, "turnctl_probe_rtt_seconds").contains("method"));
    }

    /** The rules parse, each alert fires (and stays quiet) as alerts.test.yml expects, and the KPI targets are the documented ones. */
    @Test
    void alertRulesParseFireAndCarryTheDocumentedTargets() throws Exception {
        requireTool("promtool");
        Run check = exec(List.of("promtool", "check", "rules", ROOT.resolve("deploy/prometheus/alerts.yml").toString()));
        assertEquals(0, check.code(), check.output());
        Run test = exec(List.of("promtool", "test", "rules", ROOT.resolve("deploy/prometheus/alerts.test.yml").toString()));
        assertEquals(0, test.code(), test.output());
        Map<String, String> targets = new java.util.HashMap<>();
        for (Map<String, Object> rule : rules()) {
            if (rule.get("record") != null) {
                targets.put((String) rule.get("record"), ((String) rule.get("expr")).strip());
            }
        }
        assertEquals(Map.of("turnctl:kpi_success_ratio_target", "vector(0.98)", "turnctl:kpi_rtt_p90_seconds_target", "vector(0.150)",
                "turnctl:kpi_loss_ratio_target", "vector(0.01)"), targets, "the KPI targets the README documents");
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String documented : List.of("| connection success | at least 98% | `turnctl:kpi_success_ratio_target` | 0.98 |",
                "| relayed RTT, p90 | under 150 ms | `turnctl:kpi_rtt_p90_seconds_target` | 0.150 |",
                "| loss | under 1% | `turnctl:kpi_loss_ratio_target` | 0.01 |")) {
            assertTrue(readme.contains(documented), "README's KPI table: " + documented);
        }
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : rules()) {
            if (rule.get("alert") != null) {
                alerts.add((String) rule.get("alert"));
            }
        }
        assertTrue(alerts.containsAll(Set.of("TurnKpiSuccessLow", "TurnKpiRttHigh", "TurnKpiLossHigh", "TurnProbeDown",
                "TurnRelayPortPoolNearlyFull")), alerts.toString());
        assertFalse(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml")).contains("16384"), "the port alert divides by the capacity gauge");
    }

    /** /metrics of `probe --watch` (the jar, as a process) after a round against an in-process server. */
    static String scrapeOfALiveProbe() throws Exception {
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, "kpi.test", Map.of("alice", Integrity.longTermKeyMd5("alice", "kpi.test", "pw")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM));
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "probe", "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort(), "--user", "alice", "--password", "pw",
                "--count", "2", "--checks", "auth,success", "--watch", "1s", "--metrics-listen", "127.0.0.1:" + metricsPort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            return org.turnctl.testsupport.Await.value(java.time.Duration.ofSeconds(40), () -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    return "";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "";
                }
            }, text -> text.contains("turnctl_probe_time_to_first_packet_seconds_count{") && !text.contains(
                    "turnctl_probe_time_to_first_packet_seconds_count{check=\"success\",target=\"turn:127.0.0.1:"
                            + server.udpAddresses().get(0).getPort() + "\"} 0"));
        } finally {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
            server.close();
        }
    }

    static String hostPort(InetSocketAddress a) {
        return TurnServer.format(a);
    }

    /** /metrics of a server with every listener kind (TLS too, for the certificate's metrics). */
    static String scrapeOfARunningServer() throws Exception {
        try (Operations ops = Operations.start(null)) {
            // With TLS, so that the certificate's metrics are there too.
            Path certs = Files.createTempDirectory("turnctl-dashboard");
            org.turnctl.server.tls.SelfSignedCertificate.write(org.turnctl.server.tls.SelfSignedCertificate.create("127.0.0.1", 1),
                    List.of(), certs);
            InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            TurnServer server = TurnServer.start(new ServerConfig(List.of(lo),
                    List.of(), Map.of(), 49152, 65535, "r", Map.of("a", Integrity.longTermKeyMd5("a", "r", "p")), List.of(),
                    List.of(), List.of(), false, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM).withTls(
                    new org.turnctl.server.config.TlsConfig(certs.resolve("cert.pem"), certs.resolve("key.pem"), List.of(lo), false)),
                    ops.metrics());
            try {
                return ops.scrape();
            } finally {
                server.close();
            }
        }
    }

    /** Every relative link and picture of the README and docs/ points at a file of the repository. */
    @Test
    void documentationLinksResolve() throws Exception {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (var list = Files.list(ROOT.resolve("docs"))) {
            list.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
        }
        int links = 0;
        for (Path doc : docs) {
            Matcher m = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)").matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                links++;
                assertTrue(Files.exists(doc.getParent().resolve(target).normalize()), doc.getFileName() + " links to a missing " + target);
            }
        }
        assertTrue(links >= 3, "links checked: " + links);
        assertTrue(Files.size(ROOT.resolve("docs/kpi-dashboard.png")) > 10_000, "the KPI picture");
    }
}
