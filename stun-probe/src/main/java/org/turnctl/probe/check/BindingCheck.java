package org.turnctl.probe.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.stats.Stats;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.OtherAddress;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.codec.Protection;

/**
 * {@code binding}: Binding transactions over the URI's transport: the mapped address, and the
 * RTT as the median (and minimum) of {@link #TIMED_EXCHANGES} exchanges. The first exchange is
 * not timed: it loads and warms the client's code path and the server's, and a cold JVM on
 * either end would otherwise read as hundreds of milliseconds of network. Exchanges that needed a
 * retransmission have an ambiguous RTT (RFC 6298, Karn) and count only if every exchange did.
 */
public final class BindingCheck {
    static final int TIMED_EXCHANGES = 5;

    /** The result, and whether the target answered at all (false: unreachable). */
    public record Outcome(CheckResult result, boolean reachable, StunMessage response) {
    }

    private BindingCheck() {
    }

    public static Outcome run(Target target) {
        long t0 = System.nanoTime();
        Map<String, Object> d = new LinkedHashMap<>();
        try (StunClient c = target.open()) {
            StunMessage r = binding(c);
            if (r.messageClass() == MessageClass.SUCCESS_RESPONSE) {
                List<Double> clean = new ArrayList<>();
                List<Double> all = new ArrayList<>();
                for (int i = 0; i < TIMED_EXCHANGES; i++) {
                    r = binding(c);
                    all.add(c.lastRttMicros() / 1000.0);
                    if (!c.lastRetransmitted()) {
                        clean.add(c.lastRttMicros() / 1000.0);
                    }
                }
                List<Double> rtts = clean.isEmpty() ? all : clean;
                d.put("rttMs", Stats.round(Stats.percentile(rtts, 50)));
                d.put("rttMinMs", Stats.round(Collections.min(rtts)));
                d.put("exchanges", TIMED_EXCHANGES);
                d.put("retransmitted", TIMED_EXCHANGES - clean.size());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (r.messageClass() != MessageClass.SUCCESS_RESPONSE) {
                return new Outcome(new CheckResult("binding", CheckResult.Status.FAIL,
                        "Binding answered with an error response", ms, d), true, r);
            }
            var mapped = XorMappedAddress.from(r).map(XorMappedAddress::address).orElse(null);
            if (mapped == null) {
                return new Outcome(new CheckResult("binding", CheckResult.Status.FAIL,
                        "Binding response without XOR-MAPPED-ADDRESS", ms, d), true, r);
            }
            d.put("mappedAddress", format(mapped));
            d.put("localAddress", format(c.localAddress()));
            d.put("rfc5780", OtherAddress.from(r).isPresent());
            boolean natted = !mapped.equals(c.localAddress());
            return new Outcome(new CheckResult("binding", CheckResult.Status.PASS,
                    "reflexive address " + format(mapped) + (natted ? " (behind NAT)" : " (no NAT between probe and server)"),
                    ms, d), true, r);
        } catch (Exception e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String key = Causes.key(e);
            boolean unreachable = key.equals("timeout") || key.equals("unreachable") || key.equals("io-error");
            return new Outcome(new CheckResult("binding", CheckResult.Status.FAIL, Causes.words(e, target.options()), ms, d),
                    !unreachable, null);
        }
    }

    private static StunMessage binding(StunClient c) throws java.io.IOException, org.turnctl.stun.StunDecodeException {
        return c.transact(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.FINGERPRINT);
    }

    /** host:port for every report and log line of the probe: IPv6 in brackets and RFC 5952's short form ({@code [::1]:3478}). */
    public static String format(java.net.InetSocketAddress a) {
        return io.netty.util.NetUtil.toSocketAddressString(a);
    }
}
