package org.turnctl.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.TlsOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.probe.report.JUnitXmlReport;
import org.turnctl.probe.report.JsonReport;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.probe.report.TextReport;
import org.turnctl.stun.codec.RestCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code turnctl probe}: why calls fail, in words; and as JSON, JUnit XML and an exit code for CI. */
@Command(name = "probe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Check STUN/TURN servers: binding, NAT behaviour, authentication, relaying, and the "
                + "connection success rate with RTT/loss/jitter percentiles.",
            "TARGET is an ICE server URI as WebRTC apps write it: stun:host[:port], "
                + "turn:host[:port][?transport=udp|tcp] (no transport: UDP), turns:host[:port] and stuns:host[:port] "
                + "(TLS, port 5349 by default; a tls check comes first and names what is wrong with the certificate).",
            "Exit codes: 0 all passed, 1 a check failed or a threshold was missed, 2 usage error, "
                + "3 target unreachable (DNS included), 4 internal error; several targets: 4 > 2 > 3 > 1 > 0."})
final class ProbeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TARGET", description = "stun:... or turn:... URI (several compare relays).")
    List<String> targets = new ArrayList<>();

    @Mixin
    ConfigOption configOption;

    @Option(names = "--user", description = "TURN user name (with --secret: the <user> part of the REST username).")
    String user;

    @Option(names = "--password", description = "TURN password.")
    String password;

    @Option(names = "--secret", description = "TURN REST shared secret: the probe mints username expiry:user and its password.")
    String secret;

    @Option(names = "--ttl", defaultValue = "3600", paramLabel = "SECONDS", description = "Lifetime of --secret credentials (default ${DEFAULT-VALUE}).")
    long ttl;

    @Option(names = "--realm", paramLabel = "EXPECTED", description = "Fail auth when the server offers another realm.")
    String realm;

    @Option(names = "--count", defaultValue = "10", paramLabel = "N", description = "Attempts in the success run (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--concurrency", defaultValue = "2", paramLabel = "N", description = "Attempts at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--interval", defaultValue = "20ms", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Pause between attempt starts and relay packets (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--password-algorithm", defaultValue = "auto", paramLabel = "md5|sha256|auto",
            description = "Password algorithm (RFC 8489 section 9.2): auto (default) takes the server's first choice from its "
                    + "PASSWORD-ALGORITHMS, and MD5 from a server that sends none; md5 or sha256 insist.")
    String passwordAlgorithm;

    @Option(names = "--userhash", description = "Send USERHASH instead of USERNAME (the server must offer username anonymity).")
    boolean userhash;

    @Option(names = "--strict-network",
            description = "Fail a target on what the probe finds about its own network too (blocked UDP, a symmetric NAT, "
                    + "no hairpinning), not only on the relay's faults: for a pipeline that asserts its own network.")
    boolean strictNetwork;

    @Option(names = "--family", paramLabel = "ipv4|ipv6|both",
            description = "The relay address family the probe's Allocates ask for (REQUESTED-ADDRESS-FAMILY). Default: none, "
                    + "as browsers do, so the server picks. both: the auth, relay and success checks run once per family, "
                    + "reported side by side.")
    String family;

    @Option(names = "--echoes", defaultValue = "20", paramLabel = "N",
            description = "Echoes measured per success-run attempt once it is connected: RTT, loss and jitter come "
                    + "from these (default ${DEFAULT-VALUE}).")
    int echoes;

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Per STUN transaction and per relay connectivity check, retransmissions included (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--checks", split = ",", paramLabel = "LIST",
            description = "tls,binding,nat,auth,acl,relay,success,ice (default: all that apply to the URI; ice only with --ice; "
                    + "acl only when named: it asks the relay for permissions to internal and special-purpose addresses "
                    + "and fails on each one granted).")
    List<String> checks = new ArrayList<>();

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "Report on stdout (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write a JUnit XML report: one testcase per check per target.")
    Path junitXml;

    @Option(names = "--min-success", defaultValue = "98", paramLabel = "PCT", description = "Success rate threshold (default ${DEFAULT-VALUE}).")
    double minSuccess;

    @Option(names = "--max-rtt", defaultValue = "-1", paramLabel = "MS", description = "Fail when the success run's p90 RTT is above this.")
    double maxRtt;

    @Option(names = "--max-loss", defaultValue = "-1", paramLabel = "PCT", description = "Fail when loss is above this.")
    double maxLoss;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|never|always",
            description = "Progress on stderr: auto = only on a terminal with text output.")
    String progress;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "turns:/stuns: trust these PEM CA certificates instead of the JVM's trust store (a private CA).")
    Path caFile;

    @Option(names = "--insecure", description = "turns:/stuns: do not verify the certificate (the tls check then only warns).")
    boolean insecure;

    @Option(names = "--min-cert-days", defaultValue = "14", paramLabel = "N",
            description = "turns:/stuns: fail the tls check when the certificate expires in fewer days (default ${DEFAULT-VALUE}).")
    int minCertDays;

    @Option(names = "--ice", description = "Also run the ice4j check (two ICE agents with relay-only candidates).")
    boolean ice;

    @Option(names = "--watch", paramLabel = "INTERVAL", converter = Converters.DurationConverter.class,
            description = "Repeat forever, INTERVAL between rounds (e.g. 30s), exporting metrics on --metrics-listen.")
    Duration watch;

    @Option(names = "--metrics-listen", paramLabel = "ADDR:PORT", converter = Converters.HostPort.class,
            description = "With --watch: where /metrics listens.")
    InetSocketAddress metricsListen;

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m, null, false, false);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<IceServerUri> uris = new ArrayList<>();
        ProbeOptions options;
        try {
            for (String t : targets) {
                IceServerUri u = IceServerUri.parse(t);
                uris.add(u);
            }
            options = options(uris);
        } catch (UsageException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("turnctl probe: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        if (watch != null) {
            return watch(uris, options);
        }
        boolean json = format.equals("json");
        boolean showProgress = progress.equals("always") || (progress.equals("auto") && !json && stderrIsTerminal());
        PrintWriter err = spec.commandLine().getErr();
        List<TargetReport> reports = new ArrayList<>();
        for (IceServerUri u : uris) {
            for (ProbeOptions o : perFamily(options)) {
                AtomicInteger done = new AtomicInteger();
                String label = TargetReport.label(u.text(), family == null ? "none" : o.familyName());
                TargetReport r = Prober.probe(u, o, n -> {
                    if (showProgress) {
                        synchronized (err) {
                            err.printf("\r%s: success run %d/%d", label, done.incrementAndGet(), o.count());
                            err.flush();
                        }
                    }
                });
                reports.add(family == null ? r : r.withFamily(o.familyName()));
                if (showProgress) {
                    err.println();
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StringWriter s = new StringWriter();
            JsonReport.write(reports, s);
            out.print(s);
            out.flush();
        } else {
            TextReport.write(reports, out);
        }
        if (junitXml != null) {
            try (OutputStream f = Files.newOutputStream(junitXml)) {
                JUnitXmlReport.write(reports, f);
            } catch (IOException e) {
                err.println("turnctl probe: cannot write --junit-xml " + junitXml + ": " + e.getMessage());
                return ExitCode.USAGE.code();
            }
        }
        return ExitCode.of(reports);
    }

    /** --watch: rounds until SIGTERM/SIGINT, each round's allocations released, results as metrics. */
    private int watch(List<IceServerUri> uris, ProbeOptions options) throws Exception {
        long intervalMs = watch.toMillis();
        try {
            if (intervalMs < 1000) {
                throw new UsageException("--watch " + watch.toMillis() + "ms: at least 1s between rounds");
            }
            if (metricsListen == null) {
                throw new UsageException("--watch needs --metrics-listen ADDR:PORT (where the results are scraped)");
            }
        } catch (UsageException e) {
            spec.commandLine().getErr().println("turnctl probe: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        InetSocketAddress at = metricsListen;
        List<String> labels = new ArrayList<>();
        for (IceServerUri u : uris) {
            for (ProbeOptions o : perFamily(options)) {
                labels.add(TargetReport.label(u.text(), family == null ? "none" : o.familyName()));
            }
        }
        ProbeExporter exporter = new ProbeExporter(labels);
        org.turnctl.server.metrics.MetricsServer http;
        try {
            http = org.turnctl.server.metrics.MetricsServer.start(at, exporter.registry(), () -> true);
        } catch (IOException e) {
            spec.commandLine().getErr().println("turnctl probe: cannot listen on --metrics-listen "
                    + org.turnctl.server.TurnServer.format(metricsListen) + ": " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        PrintWriter err = spec.commandLine().getErr();
        try {
            do {
                for (IceServerUri u : uris) {
                    for (ProbeOptions o : perFamily(options)) {
                        TargetReport r = Prober.probe(u, o, n -> { });
                        r = family == null ? r : r.withFamily(o.familyName());
                        exporter.record(r);
                        err.println(java.time.Instant.now() + " " + r.label() + ": " + r.verdict()
                                + (r.success() == null ? "" : " success " + r.success().succeeded() + "/" + r.success().attempts()));
                        err.flush();
                    }
                }
            } while (!stop.await(intervalMs, java.util.concurrent.TimeUnit.MILLISECONDS));
        } finally {
            http.close();
        }
        return ExitCode.OK.code();
    }

    private org.turnctl.probe.client.AuthMode auth() throws UsageException {
        try {
            return new org.turnctl.probe.client.AuthMode(passwordAlgorithm, userhash);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--password-algorithm " + passwordAlgorithm + ": expected md5, sha256 or auto");
        }
    }

    ProbeOptions options(List<IceServerUri> uris) throws UsageException {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UsageException("--format " + format + ": expected text or json");
        }
        if (!Set.of("auto", "never", "always").contains(progress)) {
            throw new UsageException("--progress " + progress + ": expected auto, never or always");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String c : checks) {
            String name = c.strip().toLowerCase(Locale.ROOT);
            if (!ProbeOptions.ALL.contains(name)) {
                throw new UsageException("--checks: unknown check '" + c + "' (tls, binding, nat, auth, acl, relay, success, ice)");
            }
            wanted.add(name);
        }
        if (count < 1 || concurrency < 1) {
            throw new UsageException("--count and --concurrency must be at least 1");
        }
        if (echoes < 1 || echoes > 100_000) {
            throw new UsageException("--echoes must be 1-100000");
        }
        if (minSuccess < 0 || minSuccess > 100) {
            throw new UsageException("--min-success must be 0-100");
        }
        String username = user;
        String pass = password;
        long expiry = 0;
        if (secret != null) {
            if (password != null) {
                throw new UsageException("give --secret or --password, not both");
            }
            if (ttl < 1) {
                throw new UsageException("--ttl must be at least 1 second");
            }
            expiry = System.currentTimeMillis() / 1000 + ttl;
            username = RestCredentials.username(expiry, user != null ? user : "turnctl-probe");
            pass = RestCredentials.password(secret.getBytes(StandardCharsets.UTF_8), username);
        }
        boolean needsCredentials = uris.stream().anyMatch(IceServerUri::isTurn)
                && (wanted.isEmpty() || wanted.stream().anyMatch(c -> Set.of("auth", "relay", "success", "ice").contains(c)));
        if (needsCredentials && (username == null || pass == null)) {
            throw new UsageException("turn: targets need credentials: --user and --password, or --secret");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new UsageException("--ca-file " + caFile + ": cannot read");
        }
        if (family != null && !Set.of("ipv4", "ipv6", "both").contains(family)) {
            throw new UsageException("--family " + family + ": expected ipv4, ipv6 or both");
        }
        return new ProbeOptions(username, pass, expiry, ttl, realm, count, concurrency, interval.toMillis(),
                timeout.toMillis(), Set.copyOf(wanted), minSuccess, maxRtt, maxLoss, ice,
                new TlsOptions(caFile, insecure, minCertDays), echoes, auth()).withStrictNetwork(strictNetwork);
    }

    /**
     * The probe runs per target: one with --family ipv4 or ipv6 (or none asked), two with both;
     * the second family runs only the checks that depend on the family.
     */
    List<ProbeOptions> perFamily(ProbeOptions o) {
        int v4 = org.turnctl.stun.attr.AddressFamily.IPV4;
        int v6 = org.turnctl.stun.attr.AddressFamily.IPV6;
        if (family == null) {
            return List.of(o);
        }
        return switch (family) {
            case "ipv4" -> List.of(o.withFamily(v4));
            case "ipv6" -> List.of(o.withFamily(v6));
            default -> {
                Set<String> perFamilyChecks = new LinkedHashSet<>();
                for (String c : List.of("auth", "relay", "success")) {
                    if (o.wants(c)) {
                        perFamilyChecks.add(c);
                    }
                }
                // (An empty set would mean every check: with none of the three asked for, one run does.)
                yield perFamilyChecks.isEmpty() ? List.of(o.withFamily(v4))
                        : List.of(o.withFamily(v4), o.withFamily(v6).withChecks(perFamilyChecks));
            }
        };
    }

    /** isatty(2) without native code: on Linux, fd 2 links to a /dev/pts or /dev/tty device. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
