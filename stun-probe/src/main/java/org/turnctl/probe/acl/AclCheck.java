package org.turnctl.probe.acl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.check.Causes;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.client.StunTimeoutException;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.RequestedAddressFamily;

/**
 * {@code acl} (opt-in): does this relay let a stranger with credentials reach addresses no relay
 * should? After allocating (IPv4, and IPv6 where the relay has it), the probe asks for a
 * CreatePermission to each {@link PolicyProbeAddresses} candidate and, where that is refused, a
 * ChannelBind: a relay that enforces its policy on one and not the other is as open as one that
 * enforces none. Only asking: a permission or channel sends nothing to the peer (RFC 8656
 * sections 9 and 11), and the probe sends no data through them. Every grant is a finding.
 */
public final class AclCheck {
    /** The port asked for: discard (RFC 863). Permissions ignore it; a channel binds it. */
    static final int PORT = 9;
    /** Unanswered requests in a row after which the check stops asking (a relay that drops, or a link down). */
    static final int GIVE_UP_AFTER = 3;
    /** How many findings the one-line cause names before "and N more". */
    private static final int NAMED = 4;

    /** The check's result, and the report for {@code targets[].acl}. */
    public record Outcome(CheckResult result, AclReport report) {
    }

    private enum Answer { PERMISSION, CHANNEL, REFUSED, UNANSWERED }

    private AclCheck() {
    }

    public static Outcome run(Target target) {
        long t0 = System.nanoTime();
        List<String> notes = new ArrayList<>();
        TurnClient v4 = null;
        TurnClient v6 = null;
        try {
            // The IPv4 relay: asked for by name, whatever --family says (an IPv6-only relay answers 440).
            v4 = target.turnClient().requestingFamily(AddressFamily.IPV4);
            try {
                v4.allocate();
            } catch (TurnErrorException | IOException | StunDecodeException e) {
                return failed(t0, "could not allocate to ask from: " + Causes.words(e, target.options()));
            }
            v6 = target.turnClient();
            try {
                v6.allocate(new RequestedAddressFamily(AddressFamily.IPV6));
            } catch (TurnErrorException e) {
                notes.add(e.code() == 440 ? "the relay has no IPv6 relay address (440): IPv6 spellings asked on the IPv4 "
                        + "allocation only" : "IPv6 allocation refused (" + Causes.words(e, target.options()) + ")");
                v6.close();
                v6 = null;
            }
            return asked(t0, v4, v6, notes);
        } catch (IOException | StunDecodeException e) {
            return failed(t0, "connection lost while asking: " + Causes.words(e, target.options()));
        } finally {
            if (v4 != null) {
                v4.close();
            }
            if (v6 != null) {
                v6.close();
            }
        }
    }

    private static Outcome asked(long t0, TurnClient v4, TurnClient v6, List<String> notes)
            throws IOException, StunDecodeException {
        int tested = 0;
        int unanswered = 0;
        List<AclReport.Finding> allowed = new ArrayList<>();
        int[] channel = {0x4000};
        int silentInARow = 0;
        for (PolicyProbeAddresses.Candidate c : PolicyProbeAddresses.all()) {
            if (silentInARow >= GIVE_UP_AFTER) {
                notes.add("stopped asking after " + GIVE_UP_AFTER + " unanswered requests in a row");
                break;
            }
            List<TurnClient> askFrom = new ArrayList<>();
            askFrom.add(v4);
            if (c.ipv6() && v6 != null) {
                askFrom.add(v6);
            }
            for (TurnClient relay : askFrom) {
                Answer a = ask(relay, c, channel);
                if (a == Answer.UNANSWERED) {
                    unanswered++;
                    silentInARow++;
                    continue;
                }
                silentInARow = 0;
                tested++;
                if (a != Answer.REFUSED) {
                    allowed.add(new AclReport.Finding(c.text(), c.range(), c.risk(),
                            a == Answer.PERMISSION ? "CreatePermission" : "ChannelBind", relay == v6 ? "IPv6" : "IPv4"));
                }
            }
        }
        AclReport report = new AclReport(tested, allowed, unanswered, notes);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tested", tested);
        d.put("allowed", allowed.size());
        d.put("unanswered", unanswered);
        if (!notes.isEmpty()) {
            d.put("notes", String.join("; ", notes));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (tested == 0) {
            return new Outcome(new CheckResult("acl", CheckResult.Status.FAIL,
                    "no answer to any of " + unanswered + " permission requests", ms, d), report);
        }
        if (allowed.isEmpty()) {
            return new Outcome(new CheckResult("acl", CheckResult.Status.PASS, "the relay refused all " + tested
                    + " requests for special-purpose peers" + (unanswered == 0 ? "" : " (" + unanswered + " unanswered)")
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)), ms, d), report);
        }
        StringBuilder cause = new StringBuilder("the relay lets clients reach " + allowed.size() + " of " + tested
                + " special-purpose peers asked: ");
        for (int i = 0; i < Math.min(NAMED, allowed.size()); i++) {
            AclReport.Finding f = allowed.get(i);
            cause.append(i == 0 ? "" : "; ").append(f.address()).append(" (").append(f.risk()).append(')');
        }
        if (allowed.size() > NAMED) {
            cause.append("; and ").append(allowed.size() - NAMED).append(" more");
        }
        return new Outcome(new CheckResult("acl", CheckResult.Status.FAIL, cause.toString(), ms, d), report);
    }

    /** One question: a permission, and where refused, a channel (each retransmitted per RFC 8489). */
    private static Answer ask(TurnClient relay, PolicyProbeAddresses.Candidate c, int[] channel)
            throws IOException, StunDecodeException {
        InetSocketAddress peer = new InetSocketAddress(c.inet(), PORT);
        try {
            relay.createPermission(peer);
            return Answer.PERMISSION;
        } catch (TurnErrorException refused) {
            // 403 (policy) or 443 (family mismatch) or 400: not granted; try the other door.
        } catch (StunTimeoutException e) {
            return Answer.UNANSWERED;
        }
        try {
            relay.channelBind(channel[0]++, peer);
            return Answer.CHANNEL;
        } catch (TurnErrorException refused) {
            return Answer.REFUSED;
        } catch (StunTimeoutException e) {
            return Answer.UNANSWERED;
        }
    }

    private static Outcome failed(long t0, String cause) {
        return new Outcome(new CheckResult("acl", CheckResult.Status.FAIL, cause, (System.nanoTime() - t0) / 1_000_000,
                Map.of()), null);
    }
}
