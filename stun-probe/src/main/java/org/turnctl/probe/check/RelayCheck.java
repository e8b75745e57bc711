package org.turnctl.probe.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.stats.Stats;

/**
 * {@code relay}: two allocations, permissions both ways, data both ways through both relays,
 * first with Send/Data indications, then over bound channels (ChannelData). Each mode first gets
 * a packet through as an ICE check would (retransmitted), then measures 20 echoes: RTT, loss,
 * jitter. It fails when no data gets through, not for loss on the way (the success run's
 * thresholds judge that).
 */
public final class RelayCheck {
    static final int PACKETS_PER_MODE = 20;

    private RelayCheck() {
    }

    public static CheckResult run(Target target) {
        ProbeOptions o = target.options();
        long t0 = System.nanoTime();
        Map<String, Object> d = new LinkedHashMap<>();
        try (RelayPair pair = RelayPair.open(target)) {
            d.put("relayA", BindingCheck.format(pair.a().relayed()));
            d.put("relayB", BindingCheck.format(pair.b().relayed()));
            List<String> problems = new ArrayList<>();
            for (String mode : List.of("sendData", "channelData")) {
                if (mode.equals("channelData")) {
                    pair.bindChannels();
                }
                String name = mode.equals("sendData") ? "Send/Data" : "ChannelData";
                RelayPair.Connection c = pair.connect(mode.equals("sendData") ? 1 : 2, o.timeoutMs());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("transmissions", c.transmissions());
                if (!c.connected()) {
                    d.put(mode, m);
                    problems.add("no data through both relays with " + name + " within " + o.timeoutMs() + " ms ("
                            + c.transmissions() + " transmissions"
                            + (c.firstArrivalNanos() != 0 ? "; A to B arrived, B to A never did)" : "; none reached B)"));
                    continue;
                }
                // Loss is measured and reported here; the thresholds (--max-loss) judge the success run.
                RelayPair.Echoes e = pair.echoes(PACKETS_PER_MODE, o.intervalMs(), RelayPair.lateBoundMs(c, o.timeoutMs()));
                m.put("packets", e.sent());
                m.put("lost", e.lost());
                m.put("lossPct", Stats.round(100.0 * e.lost() / e.sent()));
                m.put("rttP50Ms", Stats.round(Stats.percentile(e.rttsMs(), 50)));
                m.put("rttP90Ms", Stats.round(Stats.percentile(e.rttsMs(), 90)));
                m.put("rttP99Ms", Stats.round(Stats.percentile(e.rttsMs(), 99)));
                m.put("jitterMs", Stats.round(Stats.jitter(e.rttsMs())));
                d.put(mode, m);
            }
            // Relay to a directly reachable peer too (a call where only one side needs the relay):
            // the permission for our own reflexive address must be granted.
            java.net.InetSocketAddress srflx = pair.b().mapped();
            String expected = null;
            java.net.InetSocketAddress relayA = pair.a().relayed();
            if (srflx != null && relayA != null
                    && (srflx.getAddress() instanceof java.net.Inet6Address) != (relayA.getAddress() instanceof java.net.Inet6Address)) {
                // RFC 8656 section 9.1: a relay of one family cannot reach a peer of the other (443).
                // Nothing to ask: the probe reached this relay over the other family.
                d.put("reflexivePeerPermission", "not asked: the relay is " + (relayA.getAddress() instanceof java.net.Inet6Address
                        ? "IPv6" : "IPv4") + ", this probe's reflexive address is not");
                srflx = null;
            }
            if (srflx != null) {
                try {
                    pair.a().createPermission(srflx);
                    d.put("reflexivePeerPermission", "granted");
                } catch (org.turnctl.probe.client.TurnErrorException e) {
                    d.put("reflexivePeerPermission", "refused " + e.code());
                    String kind = e.code() == 403 ? nonPublicKind(srflx.getAddress()) : null;
                    if (kind != null) {
                        // A server on a public address is right to refuse it, and no real peer has
                        // such an address: the probe is just standing too close (the newcomer's
                        // first run against a local server). Worth a word, not a failure.
                        expected = "the server refuses this probe's own reflexive address " + BindingCheck.format(srflx)
                                + " (403), as a safe peer policy should: a " + kind + " address is never a real peer's; "
                                + "relaying to public peers is not tested from here";
                    } else {
                        problems.add(e.code() == 403
                                ? "forbidden (403): the server refuses to relay to this probe's reflexive address "
                                        + BindingCheck.format(srflx) + " (its peer policy)"
                                : "permission for this probe's reflexive address " + BindingCheck.format(srflx) + " failed: "
                                        + Causes.words(e, o));
                    }
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!problems.isEmpty()) {
                return new CheckResult("relay", CheckResult.Status.FAIL, String.join("; ", problems)
                        + (expected == null ? "" : "; " + expected), ms, d);
            }
            if (expected != null) {
                return new CheckResult("relay", CheckResult.Status.WARN, "data flows both ways through both relays with "
                        + "Send/Data and with ChannelData; " + expected, ms, d);
            }
            return new CheckResult("relay", CheckResult.Status.PASS, "data flows both ways through both relays "
                    + "with Send/Data and with ChannelData", ms, d);
        } catch (Exception e) {
            return new CheckResult("relay", CheckResult.Status.FAIL, Causes.words(e, o),
                    (System.nanoTime() - t0) / 1_000_000, d);
        }
    }

    /** "loopback", "private", "link-local" or "carrier-grade NAT" for such an address, else null. */
    static String nonPublicKind(java.net.InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        byte[] b = a.getAddress();
        if (a.isSiteLocalAddress() || (b.length == 16 && (b[0] & 0xFE) == 0xFC)) {
            return "private";
        }
        if (b.length == 4 && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64) {
            return "carrier-grade NAT";
        }
        return null;
    }
}
