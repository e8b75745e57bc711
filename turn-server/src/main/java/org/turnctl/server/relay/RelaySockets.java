package org.turnctl.server.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.TurnMetrics;

/**
 * Binds relay sockets: one UDP socket per allocation, on the event loop of the listener that
 * received the Allocate, so the allocation, its client and its peers are all served by one thread.
 */
public final class RelaySockets {
    /**
     * Opens one relay socket with the given handler: a real UDP socket in the server; an
     * EmbeddedChannel in handler tests and the server fuzz target, which then play the peers.
     */
    @FunctionalInterface
    public interface Binder {
        ChannelFuture bind(EventLoop loop, InetSocketAddress at, ChannelHandler peerHandler);
    }

    private final Binder binder;
    private final TimeSource clock;
    private final TurnMetrics metrics;

    public RelaySockets(Class<? extends DatagramChannel> channelClass, TimeSource clock, TurnMetrics metrics) {
        this((loop, at, handler) -> new Bootstrap().group(loop).channel(channelClass).handler(handler).bind(at), clock, metrics);
    }

    public RelaySockets(Binder binder, TimeSource clock, TurnMetrics metrics) {
        this.binder = binder;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Starts binding a relay socket; its {@link PeerHandler} relays nothing until {@link #attach}. */
    public ChannelFuture bind(EventLoop loop, InetSocketAddress at) {
        return binder.bind(loop, at, new PeerHandler(clock, metrics));
    }

    /**
     * Connects the bound socket's peer path to its allocation. The handler can already be gone
     * when the allocation was deleted at birth (its TCP client hung up during the bind).
     */
    public static void attach(Allocation a) {
        attach(a.relayChannel(), a);
        if (a.additional() != null) {
            attach(a.additional().channel(), a);
        }
    }

    private static void attach(io.netty.channel.Channel relay, Allocation a) {
        PeerHandler handler = relay.pipeline().get(PeerHandler.class);
        if (handler != null) {
            handler.attach(a);
        }
    }
}
