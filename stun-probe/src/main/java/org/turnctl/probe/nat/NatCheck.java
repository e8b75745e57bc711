package org.turnctl.probe.nat;

import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.Target;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.OtherAddress;

/**
 * {@code nat}: RFC 5780 mapping and filtering behaviour. Needs a server that sends OTHER-ADDRESS;
 * without one it is a skip that says so, never a guess.
 */
public final class NatCheck {

    public record Outcome(CheckResult result, NatReport report) {
    }

    private NatCheck() {
    }

    public static Outcome run(Target target, StunMessage bindingResponse) {
        if (target.uri().transport() != org.turnctl.probe.IceServerUri.Transport.UDP) {
            return new Outcome(CheckResult.skip("nat", "NAT behaviour is measured over UDP only"), null);
        }
        if (bindingResponse == null || OtherAddress.from(bindingResponse).isEmpty()) {
            return new Outcome(CheckResult.skip("nat", "server does not support RFC 5780 (no OTHER-ADDRESS)"), null);
        }
        return new Outcome(CheckResult.skip("nat", "RFC 5780 discovery is not implemented in this build yet"), null);
    }
}
