package org.turnctl.server.inbound;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An EmbeddedChannel with real socket addresses, as the server's handlers expect of a socket. */
final class Embedded extends EmbeddedChannel {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    Embedded(ChannelHandler... handlers) {
        super(handlers);
    }

    @Override
    protected SocketAddress localAddress0() {
        return SERVER;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return CLIENT;
    }
}
