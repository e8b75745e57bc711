package org.turnctl.server.inbound;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.discovery.BehaviorDiscovery;

/**
 * Where a frame came from: what the {@link InboundRouter} needs of a transport handler to answer
 * a control message. Only control messages ask, so the data path creates nothing per packet. A
 * UDP listener serves many clients (one slot per client address); a TCP connection serves one.
 */
interface Origin {

    FiveTuple fiveTuple(InetSocketAddress client);

    /** How answers and relayed data reach this client. */
    ClientSink sink(InetSocketAddress client);

    /** Where this client's allocation is kept. */
    AllocationSlot slot(InetSocketAddress client);

    /** The socket or connection: its event loop serves this client, and RFC 5780 answers leave from it. */
    Channel channel();

    /** The RFC 5780 socket this is, or null when behaviour discovery is not served here. */
    BehaviorDiscovery.Position discoveryPosition();

    /** False for RFC 5780's extra sockets, which answer Binding and nothing else. */
    boolean relays();
}
