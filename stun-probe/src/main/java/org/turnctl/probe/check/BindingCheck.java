package org.turnctl.probe.check;

import java.util.LinkedHashMap;
import java.util.Map;
import org.turnctl.probe.client.StunClient;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.OtherAddress;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.codec.Protection;

/** {@code binding}: one Binding transaction over the URI's transport: RTT and mapped address. */
public final class BindingCheck {

    /** The result, and whether the target answered at all (false: unreachable). */
    public record Outcome(CheckResult result, boolean reachable, StunMessage response) {
    }

    private BindingCheck() {
    }

    public static Outcome run(Target target) {
        long t0 = System.nanoTime();
        Map<String, Object> d = new LinkedHashMap<>();
        try (StunClient c = target.open()) {
            StunMessage r = c.transact(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.FINGERPRINT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            d.put("rttMs", c.lastRttMicros() / 1000.0);
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

    public static String format(java.net.InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
