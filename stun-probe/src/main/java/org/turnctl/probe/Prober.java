package org.turnctl.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.turnctl.probe.acl.AclCheck;
import org.turnctl.probe.acl.AclReport;
import org.turnctl.probe.check.AuthCheck;
import org.turnctl.probe.check.BindingCheck;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.Verdict;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.RelayCheck;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.check.TlsCheck;
import org.turnctl.probe.check.TlsReport;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.nat.NatCheck;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.probe.run.SuccessReport;
import org.turnctl.probe.run.SuccessRun;

/** Runs the checks against one target, in order, and decides its verdict. */
public final class Prober {

    private Prober() {
    }

    public static TargetReport probe(IceServerUri uri, ProbeOptions o, IntConsumer progress) throws InterruptedException {
        org.turnctl.probe.client.Warmup.once(); // no figure may include the JVM loading its classes
        List<CheckResult> checks = new ArrayList<>();
        InetAddress ip;
        try {
            ip = InetAddress.getByName(uri.host());
        } catch (UnknownHostException e) {
            checks.add(new CheckResult("binding", CheckResult.Status.FAIL, "cannot resolve " + uri.host() + " (DNS)", 0,
                    java.util.Map.of()));
            return new TargetReport(uri.text(), "unreachable", skipRest(checks, uri, o, "target unreachable"), null, null, List.of());
        }
        Target target = new Target(uri, new InetSocketAddress(ip, uri.port()), o);
        TlsReport tls = null;
        if (uri.isSecure()) {
            // TLS first: every other check of a turns:/stuns: target runs inside it.
            TlsCheck.Outcome t = TlsCheck.run(target);
            checks.add(t.result());
            tls = t.report();
            if (!t.passed()) {
                boolean reached = tls != null;
                String why = "tls failed" + (reached ? " (" + tls.cause() + ")" : ": " + t.result().cause());
                List<CheckResult> rest = skipRest(checks, uri, o, why);
                if (o.wants("binding")) {
                    rest.add(1, CheckResult.skip("binding", why));
                }
                return new TargetReport(uri.text(), reached ? "fail" : "unreachable", rest, null, null, List.of(), tls);
            }
        }

        BindingCheck.Outcome binding = BindingCheck.run(target);
        if (o.wants("binding") || !binding.reachable()) {
            checks.add(binding.result());
        }
        if (!binding.reachable() && uri.transport() == IceServerUri.Transport.UDP) {
            // No answer over UDP: if the same server answers over TCP, the honest verdict is
            // "UDP is blocked" (a firewall), not "unreachable".
            IceServerUri overTcp = new IceServerUri(uri.scheme(), uri.host(), uri.port(), IceServerUri.Transport.TCP, uri.text());
            BindingCheck.Outcome tcp = BindingCheck.run(new Target(overTcp, target.address(), o));
            if (tcp.result().status() == CheckResult.Status.PASS) {
                String why = "UDP is blocked: no answer over UDP (" + binding.result().cause() + "), but TCP answers";
                Object mapped = tcp.result().details().get("mappedAddress");
                NatReport blocked = new NatReport("unknown", "unknown", "udp-blocked", mapped == null ? null : mapped.toString(), null,
                        NatReport.UDP_BLOCKED);
                // The target cannot work without UDP: this network finding fails it (Verdict).
                checks.add(new CheckResult("nat", CheckResult.Status.FAIL, why, tcp.result().durationMs(),
                        java.util.Map.of("udpBlocked", true)));
                for (String name : List.of("auth", "acl", "relay", "success")) {
                    if (uri.isTurn() && o.wants(name)) {
                        checks.add(CheckResult.skip(name, why + "; try " + uri.scheme() + ":" + uri.host() + ":" + uri.port()
                                + "?transport=tcp"));
                    }
                }
                return new TargetReport(uri.text(), "fail", Verdict.judge(uri, checks, o.strictNetwork()), blocked, null, List.of());
            }
        }
        if (!binding.reachable()) {
            return new TargetReport(uri.text(), "unreachable", skipRest(checks, uri, o, "target unreachable: " + binding.result().cause()),
                    null, null, List.of());
        }
        NatReport nat = null;
        if (o.wants("nat") && uri.isSecure()) {
            checks.add(CheckResult.skip("nat", "NAT behaviour is discovered over UDP (RFC 5780): probe stun:"
                    + uri.host() + " for it"));
        } else if (o.wants("nat")) {
            NatCheck.Outcome n = NatCheck.run(target, binding.response());
            checks.add(n.result());
            nat = n.report();
        }
        SuccessReport success = null;
        AclReport acl = null;
        List<String> thresholds = new ArrayList<>();
        if (uri.isTurn()) {
            String expired = expiredRestCredential(o);
            if (expired != null) {
                // Known without asking the server: do not send a credential that cannot work.
                checks.add(new CheckResult("auth", CheckResult.Status.FAIL, expired, 0, java.util.Map.of()));
                return new TargetReport(uri.text(), "fail", Verdict.judge(uri, skipAfterAuth(checks, o, "auth failed: " + expired),
                        o.strictNetwork()), nat, null, List.of());
            }
            if (o.wants("auth")) {
                CheckResult auth = AuthCheck.run(target);
                checks.add(auth);
                if (auth.status() == CheckResult.Status.FAIL) {
                    return new TargetReport(uri.text(), "fail", Verdict.judge(uri, skipAfterAuth(checks, o,
                            "auth failed: " + auth.cause()), o.strictNetwork()), nat, null, List.of());
                }
            }
            if (o.wants("acl")) {
                AclCheck.Outcome a = AclCheck.run(target);
                checks.add(a.result());
                acl = a.report();
            }
            if (o.wants("relay")) {
                checks.add(RelayCheck.run(target));
            }
            if (o.wants("success")) {
                long t0 = System.nanoTime();
                success = SuccessRun.run(target, progress);
                checks.add(successResult(success, o, thresholds, (System.nanoTime() - t0) / 1_000_000));
            }
            if (o.wants("ice")) {
                checks.add(org.turnctl.probe.ice.IceCheck.run(target));
            }
        }
        List<CheckResult> judged = Verdict.judge(uri, checks, o.strictNetwork());
        return new TargetReport(uri.text(), Verdict.of(judged, thresholds), judged, nat, success, thresholds, tls, acl);
    }

    /** A REST username "expiry:user" whose expiry has passed by the probe's clock, in words; else null. */
    static String expiredRestCredential(ProbeOptions o) {
        String u = o.username();
        if (u == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{9,12})(:.*)?$").matcher(u);
        if (!m.matches()) {
            return null;
        }
        long expiry = Long.parseLong(m.group(1));
        long now = System.currentTimeMillis() / 1000;
        if (expiry >= now) {
            return null;
        }
        return "REST credential '" + u + "' expired at " + java.time.Instant.ofEpochSecond(expiry)
                + " by the probe's clock (" + (now - expiry) + " s ago); not sent to the server";
    }

    private static List<CheckResult> skipAfterAuth(List<CheckResult> checks, ProbeOptions o, String why) {
        for (String name : List.of("acl", "relay", "success", "ice")) {
            if (o.wants(name)) {
                checks.add(CheckResult.skip(name, why));
            }
        }
        return checks;
    }

    private static List<CheckResult> skipRest(List<CheckResult> checks, IceServerUri uri, ProbeOptions o, String why) {
        for (String name : List.of("nat", "auth", "acl", "relay", "success")) {
            boolean applies = name.equals("nat") || uri.isTurn();
            if (applies && o.wants(name)) {
                checks.add(CheckResult.skip(name, why));
            }
        }
        return checks;
    }

    static CheckResult successResult(SuccessReport s, ProbeOptions o, List<String> thresholds, long ms) {
        if (s.ratePct() < o.minSuccessPct()) {
            thresholds.add("success rate " + s.ratePct() + "% is below --min-success " + o.minSuccessPct() + "%");
        }
        if (o.maxRttMs() >= 0 && !(s.rttP90() <= o.maxRttMs())) {
            thresholds.add("p90 RTT " + s.rttP90() + " ms is above --max-rtt " + o.maxRttMs() + " ms");
        }
        if (o.maxLossPct() >= 0 && !(s.lossPct() <= o.maxLossPct())) {
            thresholds.add("loss " + s.lossPct() + "% is above --max-loss " + o.maxLossPct() + "%");
        }
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("attempts", s.attempts());
        d.put("succeeded", s.succeeded());
        d.put("ratePct", s.ratePct());
        d.put("rttP50Ms", s.rttP50());
        d.put("rttP90Ms", s.rttP90());
        d.put("rttP99Ms", s.rttP99());
        d.put("firstPacketP50Ms", s.firstPacketP50());
        d.put("lossPct", s.lossPct());
        d.put("echoesSent", s.echoesSent());
        d.put("echoesLost", s.echoesLost());
        d.put("firstPacketRetransmissions", s.firstPacketRetransmissions());
        d.put("jitterMs", s.jitterMs());
        if (!s.failures().isEmpty()) {
            d.put("failures", s.failures().toString());
        }
        String summary = s.succeeded() + "/" + s.attempts() + " connected (" + s.ratePct() + "%)"
                + (s.failures().isEmpty() ? "" : ", failures " + s.failures())
                + (Double.isNaN(s.rttP50()) ? "" : ", RTT p50 " + s.rttP50() + " ms")
                + (s.echoesSent() == 0 ? "" : ", echo loss " + s.lossPct() + "% (" + s.echoesLost() + " of " + s.echoesSent() + ")");
        if (!thresholds.isEmpty()) {
            return new CheckResult("success", CheckResult.Status.FAIL, String.join("; ", thresholds) + " (" + summary + ")", ms, d);
        }
        return new CheckResult("success", CheckResult.Status.PASS, summary, ms, d);
    }
}
