package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.relay.DataPath;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Demux;
import org.turnctl.stun.codec.SendIndicationReader;
import org.turnctl.stun.codec.StunCodec;

/**
 * The one inbound path of every transport. A transport handler turns bytes into frames (a
 * datagram, or a message cut from a stream) and hands each frame here with the client's
 * allocation, if any; this class classifies it (RFC 7983 first byte), sends data (ChannelData,
 * Send indications) down the {@link DataPath}, decodes control messages (a 400 for a request whose
 * header was sound, a counted drop for anything else), answers RFC 5780 Binding, and dispatches
 * the rest. Every drop is counted in {@code turn_dropped_packets_total} with its reason, the same
 * way for every transport. TLS and DTLS are stages in front of their transport's framing: they
 * reach this class as plain frames.
 */
public final class InboundRouter {
    private final RequestDispatcher dispatcher;
    private final BehaviorDiscovery discovery;
    private final TurnMetrics metrics;
    private final TimeSource clock;
    private final UnauthenticatedLimiter unauthenticated;

    /** @param discovery RFC 5780 behaviour discovery, or null when --alt-listen is not set */
    public InboundRouter(RequestDispatcher dispatcher, BehaviorDiscovery discovery, TurnMetrics metrics, TimeSource clock) {
        this(dispatcher, discovery, metrics, clock, new UnauthenticatedLimiter(0, clock));
    }

    /** With a rate limit on what sources without an allocation are answered ({@code --unauth-rate}). */
    public InboundRouter(RequestDispatcher dispatcher, BehaviorDiscovery discovery, TurnMetrics metrics, TimeSource clock,
            UnauthenticatedLimiter unauthenticated) {
        this.dispatcher = dispatcher;
        this.discovery = discovery;
        this.metrics = metrics;
        this.clock = clock;
        this.unauthenticated = unauthenticated;
    }

    /**
     * Routes one frame; the caller keeps ownership of {@code frame}. Returns the allocation whose
     * relay socket was written, which the caller flushes once at the end of its read burst, or
     * null when nothing was written.
     */
    Allocation route(ByteBuf frame, InetSocketAddress client, Allocation allocation, Origin origin) {
        switch (Demux.classify(frame)) {
            case CHANNEL_DATA -> {
                return data(frame, allocation, false);
            }
            case STUN -> {
                if (SendIndicationReader.isSendIndication(frame)) {
                    return data(frame, allocation, true);
                }
                // Before any allocation, every STUN message may draw an answer (Binding, 401, 400)
                // to an address that may be spoofed: rate-limited per source IP.
                if (allocation == null && !unauthenticated.tryAcquire(client.getAddress())) {
                    metrics.dropped(DropReason.RATE_LIMIT);
                    return null;
                }
                control(frame, client, origin);
                return null;
            }
            default -> {
                metrics.dropped(DropReason.NOT_STUN);
                return null;
            }
        }
    }

    private Allocation data(ByteBuf frame, Allocation a, boolean sendIndication) {
        if (a == null || a.isDeleted()) {
            metrics.dropped(DropReason.NO_ALLOCATION);
            return null;
        }
        long now = clock.nowMillis();
        boolean written = sendIndication ? DataPath.sendIndication(a, frame, now) : DataPath.channelData(a, frame, now);
        return written ? a : null;
    }

    private void control(ByteBuf frame, InetSocketAddress client, Origin origin) {
        ClientSink sink = origin.sink(client);
        StunMessage msg;
        try {
            msg = StunCodec.decode(frame);
        } catch (StunDecodeException e) {
            metrics.dropped(DropReason.MALFORMED);
            BadRequests.answer(e, sink);
            return;
        }
        BehaviorDiscovery.Position position = origin.discoveryPosition();
        if (discovery != null && position != null && msg.type().equals(MessageType.BINDING_REQUEST)) {
            discovery.answer(msg, client, position, origin.channel());
            return;
        }
        if (!origin.relays()) {
            return; // RFC 5780's extra sockets answer Binding only
        }
        dispatcher.handle(msg, origin.fiveTuple(client), sink, origin.slot(client), origin.channel().eventLoop());
    }

    /**
     * A stream that cannot be framed: garbage where a message should start, or a length past the
     * maximum. Counted here; the connection handler closes the connection, since a stream cannot
     * resynchronise.
     */
    public void streamBroken(Throwable cause) {
        if (cause instanceof CorruptedFrameException) {
            metrics.dropped(DropReason.NOT_STUN);
        } else if (cause instanceof TooLongFrameException) {
            metrics.dropped(DropReason.MALFORMED);
        }
    }
}
