package org.turnctl.server.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ChangeRequest;
import org.turnctl.stun.attr.ChangedAddress;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.MappedAddress;
import org.turnctl.stun.attr.OtherAddress;
import org.turnctl.stun.attr.Padding;
import org.turnctl.stun.attr.ResponseOrigin;
import org.turnctl.stun.attr.ResponsePort;
import org.turnctl.stun.attr.SourceAddress;
import org.turnctl.stun.attr.UnknownAttributes;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * NAT behaviour discovery (RFC 5780 section 6): Binding answered on four UDP sockets, two IPs
 * (A1, A2) by two ports (P1, P2). CHANGE-REQUEST picks the socket the answer leaves from;
 * responses carry RESPONSE-ORIGIN and OTHER-ADDRESS (RFC 3489 clients: SOURCE-ADDRESS and
 * CHANGED-ADDRESS); RESPONSE-PORT redirects the answer to the client's IP at that port; PADDING
 * is returned only when asked for, and never makes the response larger than the request.
 */
public final class BehaviorDiscovery {
    /** Which of the four sockets: IP index (0 is A1, 1 is A2) and port index (0 is P1, 1 is P2). */
    public record Position(int ip, int port) {
        /** A1:P1, the primary listener, which also relays. */
        public static final Position PRIMARY = new Position(0, 0);
    }

    private final InetSocketAddress[][] addresses = new InetSocketAddress[2][2];
    private final Channel[][] channels = new Channel[2][2];
    private final TurnMetrics metrics;

    public BehaviorDiscovery(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    public void register(int ip, int port, InetSocketAddress address, Channel channel) {
        addresses[ip][port] = address;
        if (channel != null) {
            channels[ip][port] = channel;
        }
    }

    public InetSocketAddress address(int ip, int port) {
        return addresses[ip][port];
    }

    /** Answers a Binding request received on the socket at {@code at}. Never throws. */
    public void answer(StunMessage req, InetSocketAddress client, Position at, Channel receivedOn) {
        int ip = at.ip();
        int port = at.port();
        metrics.bindingRequest();
        List<Integer> unknown = req.unknownComprehensionRequired();
        if (!unknown.isEmpty()) {
            reply(req, receivedOn, client, req.errorResponse().add(ErrorCode.of(ErrorCode.UNKNOWN_ATTRIBUTE)).add(new UnknownAttributes(unknown)).build());
            return;
        }
        ResponsePort responsePort = ResponsePort.from(req).orElse(null);
        Padding padding = Padding.from(req).orElse(null);
        if (responsePort != null && padding != null) {
            // RFC 5780 section 6.1: PADDING with RESPONSE-PORT is a 400.
            reply(req, receivedOn, client, req.errorResponse().add(ErrorCode.of(ErrorCode.BAD_REQUEST)).build());
            return;
        }
        ChangeRequest change = ChangeRequest.from(req).orElse(new ChangeRequest(false, false));
        int outIp = change.changeIp() ? 1 - ip : ip;
        int outPort = change.changePort() ? 1 - port : port;
        Channel out = outIp == ip && outPort == port ? receivedOn : channels[outIp][outPort];
        InetSocketAddress origin = addresses[outIp][outPort];
        InetSocketAddress other = addresses[1 - ip][1 - port];
        InetSocketAddress destination = responsePort == null ? client
                : new InetSocketAddress(client.getAddress(), responsePort.port());
        StunMessage.Builder b = req.successResponse();
        if (req.isLegacy()) {
            b.add(new MappedAddress(client)).add(new SourceAddress(origin)).add(new ChangedAddress(other));
        } else {
            b.add(new XorMappedAddress(client)).add(new ResponseOrigin(origin)).add(new OtherAddress(other));
        }
        StunMessage response = b.build();
        if (padding != null && !req.isLegacy()) {
            int room = req.rawLength() - encodedLength(req, response);
            int pad = ((room - 4) / 4) * 4;
            if (pad >= 0) {
                response = req.successResponse().addAll(response.attributes()).add(Padding.of(new byte[pad])).build();
            }
        }
        reply(req, out, destination, response);
    }

    private static int encodedLength(StunMessage req, StunMessage response) {
        return StunCodec.toBytes(response, protection(req)).length;
    }

    private static Protection protection(StunMessage req) {
        return Fingerprint.isPresent(req) && !req.isLegacy() ? Protection.FINGERPRINT : Protection.NONE;
    }

    private static void reply(StunMessage req, Channel out, InetSocketAddress to, StunMessage response) {
        ByteBuf buf = StunCodec.encode(response, protection(req), out.alloc());
        out.writeAndFlush(new DatagramPacket(buf, to), out.voidPromise());
    }
}
