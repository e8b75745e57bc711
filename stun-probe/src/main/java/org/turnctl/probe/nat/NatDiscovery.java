package org.turnctl.probe.nat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ChangeRequest;
import org.turnctl.stun.attr.OtherAddress;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * RFC 5780 section 4: mapping behaviour (tests I-III to the primary, the alternate IP, the
 * alternate IP and port) and filtering behaviour (tests II and III with CHANGE-REQUEST), then
 * hairpinning, and the RFC 3489 name the combination goes by. All from one local port.
 */
public final class NatDiscovery {
    private final UdpEndpoint endpoint;
    private final InetSocketAddress server;
    private final long timeoutMs;

    public NatDiscovery(UdpEndpoint endpoint, InetSocketAddress server, long timeoutMs) {
        this.endpoint = endpoint;
        this.server = server;
        this.timeoutMs = timeoutMs;
    }

    /** Thrown when the server answered the first Binding without OTHER-ADDRESS. */
    public static final class NoRfc5780Exception extends Exception {
        private static final long serialVersionUID = 1L;

        NoRfc5780Exception() {
            super("server does not support RFC 5780 (no OTHER-ADDRESS)", null, false, false);
        }
    }

    public NatReport discover() throws IOException, NoRfc5780Exception {
        StunMessage first = transact(server, timeoutMs);
        if (first == null) {
            return new NatReport("unknown", "unknown", "udp-blocked", null, null, NatReport.UDP_BLOCKED);
        }
        InetSocketAddress m1 = XorMappedAddress.from(first).map(XorMappedAddress::address).orElse(null);
        InetSocketAddress other = OtherAddress.from(first).map(OtherAddress::address).orElse(null);
        if (other == null) {
            throw new NoRfc5780Exception();
        }
        if (m1 == null) {
            return new NatReport("unknown", "unknown", "unknown", null, null, NatReport.NO_MAPPED);
        }
        boolean noNat = isLocal(m1);
        String mapping;
        if (noNat) {
            mapping = "no-nat";
        } else {
            StunMessage t2 = transact(new InetSocketAddress(other.getAddress(), server.getPort()), timeoutMs);
            InetSocketAddress m2 = t2 == null ? null : XorMappedAddress.from(t2).map(XorMappedAddress::address).orElse(null);
            if (m2 == null) {
                mapping = "unknown";
            } else if (m2.equals(m1)) {
                mapping = "endpoint-independent";
            } else {
                StunMessage t3 = transact(other, timeoutMs);
                InetSocketAddress m3 = t3 == null ? null : XorMappedAddress.from(t3).map(XorMappedAddress::address).orElse(null);
                mapping = m3 == null ? "unknown" : m3.equals(m2) ? "address-dependent" : "address-and-port-dependent";
            }
        }
        // Filtering: a "no answer" is the measurement here, so these waits are shorter.
        long negative = Math.min(timeoutMs, 1500);
        String filtering;
        try (UdpEndpoint fresh = endpoint.another()) {
            NatDiscovery f = new NatDiscovery(fresh, server, timeoutMs);
            if (f.transact(server, timeoutMs) == null) {
                filtering = "unknown";
            } else if (f.transact(server, negative, new ChangeRequest(true, true)) != null) {
                filtering = "endpoint-independent";
            } else if (f.transact(server, negative, new ChangeRequest(false, true)) != null) {
                filtering = "address-dependent";
            } else {
                filtering = "address-and-port-dependent";
            }
        }
        String at = org.turnctl.probe.check.BindingCheck.format(m1);
        if (noNat) {
            return new NatReport(mapping, filtering, classic(mapping, filtering), at, null, NatReport.NO_NAT);
        }
        return new NatReport(mapping, filtering, classic(mapping, filtering), at, hairpin(m1, negative));
    }

    /** RFC 5780 section 4.5: a Binding request sent to our own mapped address comes back to us. */
    private Boolean hairpin(InetSocketAddress mapped, long waitMs) throws IOException {
        StunMessage probe = StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build();
        endpoint.send(encode(probe), mapped);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            UdpEndpoint.Datagram d = endpoint.receive(left);
            if (d == null) {
                return false;
            }
            try {
                if (StunCodec.decode(d.data()).transactionId().equals(probe.transactionId())) {
                    return true;
                }
            } catch (StunDecodeException e) {
                // something else: keep waiting
            }
        }
    }

    /** RFC 3489's names for the RFC 5780 behaviours. */
    public static String classic(String mapping, String filtering) {
        return switch (mapping) {
            case "no-nat" -> filtering.equals("endpoint-independent") ? "open-internet"
                    : filtering.equals("unknown") ? "unknown" : "symmetric-udp-firewall";
            case "endpoint-independent" -> switch (filtering) {
                case "endpoint-independent" -> "full-cone";
                case "address-dependent" -> "restricted-cone";
                case "address-and-port-dependent" -> "port-restricted-cone";
                default -> "unknown";
            };
            case "address-dependent", "address-and-port-dependent" -> "symmetric";
            default -> "unknown";
        };
    }

    /** One Binding transaction with RFC 8489 retransmissions; answers from any address count. */
    private StunMessage transact(InetSocketAddress to, long budgetMs, StunAttribute... attrs) throws IOException {
        StunMessage.Builder b = StunMessage.builder(Method.BINDING, MessageClass.REQUEST);
        for (StunAttribute a : attrs) {
            b.add(a);
        }
        StunMessage req = b.build();
        byte[] bytes = encode(req);
        long start = System.nanoTime();
        long deadline = start + budgetMs * 1_000_000;
        long rto = 250;
        long nextSend = start;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return null;
            }
            if (now - nextSend >= 0) {
                endpoint.send(bytes, to);
                nextSend = now + rto * 1_000_000;
                rto *= 2;
            }
            UdpEndpoint.Datagram d = endpoint.receive(Math.max(1, (Math.min(nextSend, deadline) - System.nanoTime()) / 1_000_000));
            if (d == null) {
                continue;
            }
            try {
                StunMessage m = StunCodec.decode(d.data());
                if (m.transactionId().equals(req.transactionId()) && m.messageClass() == MessageClass.SUCCESS_RESPONSE) {
                    return m;
                }
            } catch (StunDecodeException e) {
                // not for us
            }
        }
    }

    private boolean isLocal(InetSocketAddress mapped) {
        InetSocketAddress local = endpoint.localAddress();
        if (mapped.getPort() != local.getPort()) {
            return false;
        }
        if (mapped.getAddress().equals(local.getAddress())) {
            return true;
        }
        if (!local.getAddress().isAnyLocalAddress()) {
            return false;
        }
        try {
            return NetworkInterface.getByInetAddress(mapped.getAddress()) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static byte[] encode(StunMessage m) {
        return StunCodec.toBytes(m, Protection.NONE);
    }
}
