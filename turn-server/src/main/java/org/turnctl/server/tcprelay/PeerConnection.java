package org.turnctl.server.tcprelay;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import org.turnctl.server.allocation.Allocation;

/**
 * A TCP connection between the relayed address of a TCP allocation and a peer (RFC 6062 section
 * 3): made by a Connect or accepted from the peer, then waiting (not read) for the client's
 * ConnectionBind on a new data connection, at most 30 s (section 5.3).
 */
final class PeerConnection {
    final long id;
    final Allocation allocation;
    final InetSocketAddress peer;
    final Channel channel;
    ScheduledFuture<?> expiry;
    volatile boolean bound;

    PeerConnection(long id, Allocation allocation, InetSocketAddress peer, Channel channel) {
        this.id = id;
        this.allocation = allocation;
        this.peer = peer;
        this.channel = channel;
    }
}
