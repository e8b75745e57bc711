package org.turnctl.server.inbound;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An EmbeddedChannel with real socket addresses, as the server's handlers expect of a socket. */
final class Embedded extends EmbeddedChannel {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final InetSocketAddress remote;

    Embedded(ChannelHandler... handlers) {
        this(CLIENT, handlers);
    }

    /** A connection from {@code remote} (a TCP client other than the default one). */
    Embedded(InetSocketAddress remote, ChannelHandler... handlers) {
        super(false, false, handlers);
        this.remote = remote; // before registering: channelActive handlers ask for it
        try {
            register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected SocketAddress localAddress0() {
        return SERVER;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
