package org.turnctl.probe.nat;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.check.Causes;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.OtherAddress;

/**
 * {@code nat}: RFC 5780 mapping and filtering behaviour, hairpinning, and the classic name.
 * Needs a server that sends OTHER-ADDRESS; without one it is a skip that says so, never a guess.
 */
public final class NatCheck {

    public record Outcome(CheckResult result, NatReport report) {
    }

    private NatCheck() {
    }

    public static Outcome run(Target target, StunMessage bindingResponse) {
        if (target.uri().transport() == IceServerUri.Transport.UDP
                && (bindingResponse == null || OtherAddress.from(bindingResponse).isEmpty())) {
            return new Outcome(CheckResult.skip("nat", "server does not support RFC 5780 (no OTHER-ADDRESS)"), null);
        }
        InetSocketAddress server = target.address();
        InetSocketAddress bind = new InetSocketAddress(server.getAddress().isLoopbackAddress() ? server.getAddress() : null, 0);
        try (UdpEndpoint endpoint = UdpEndpoint.socket(bind)) {
            return run(endpoint, server, target.options().timeoutMs(), target.uri().transport() == IceServerUri.Transport.TCP);
        } catch (Exception e) {
            return new Outcome(new CheckResult("nat", CheckResult.Status.FAIL, Causes.words(e, target.options()), 0, Map.of()),
                    null);
        }
    }

    /** The check on a given endpoint (tests put a userland NAT behind it). */
    public static Outcome run(UdpEndpoint endpoint, InetSocketAddress server, long timeoutMs, boolean tcpWorks) {
        long t0 = System.nanoTime();
        try {
            NatReport r = new NatDiscovery(endpoint, server, timeoutMs).discover();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("mapping", r.mapping());
            d.put("filtering", r.filtering());
            d.put("classic", r.classic());
            d.put("publicAddress", r.publicAddress() == null ? "" : r.publicAddress());
            d.put("hairpinning", r.hairpinningText());
            String behaviour = "mapping " + r.mapping() + ", filtering " + r.filtering() + " (" + r.classic() + ")";
            if (r.classic().equals("udp-blocked")) {
                d.put("udpBlocked", true);
                return new Outcome(new CheckResult("nat", CheckResult.Status.FAIL, tcpWorks
                        ? "UDP is blocked: no answer over UDP, but TCP works (media will need TURN over TCP/TLS)"
                        : "no answer over UDP", ms, d), r);
            }
            // Facts about the probe's own network that decide whether calls from it need a relay:
            // worth a warning (Verdict keeps them from failing a healthy relay).
            List<String> findings = new java.util.ArrayList<>();
            if (!r.mapping().equals("endpoint-independent") && !r.mapping().equals("unknown")) {
                findings.add("a symmetric NAT (mapping " + r.mapping() + "): peers cannot reach this network's calls directly, "
                        + "every call from here needs a relay");
            }
            if (Boolean.FALSE.equals(r.hairpinning())) {
                findings.add("no hairpinning: two callers behind this NAT reach each other only through a relay");
            }
            if (!findings.isEmpty()) {
                return new Outcome(new CheckResult("nat", CheckResult.Status.WARN, behaviour + "; " + String.join("; ", findings),
                        ms, d), r);
            }
            return new Outcome(new CheckResult("nat", CheckResult.Status.PASS, behaviour, ms, d), r);
        } catch (NatDiscovery.NoRfc5780Exception e) {
            return new Outcome(CheckResult.skip("nat", e.getMessage()), null);
        } catch (Exception e) {
            return new Outcome(new CheckResult("nat", CheckResult.Status.FAIL, e.toString(),
                    (System.nanoTime() - t0) / 1_000_000, Map.of()), null);
        }
    }
}
