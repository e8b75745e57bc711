package org.turnctl.server.allocation;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one allocation for the admin API, taken on its event loop.
 *
 * @param id            unique within this process, for ending it
 * @param user          the username it authenticated with
 * @param transport     udp, tcp, tls or dtls
 * @param client        the client's address (the 5-tuple's remote end)
 * @param server        the server's address of the 5-tuple
 * @param relayed       XOR-RELAYED-ADDRESS (two for a dual allocation)
 * @param ageSeconds    since it was created
 * @param lifetimeLeft  seconds until it expires unless refreshed
 * @param permissions   peer IPs with a permission now
 * @param channels      channel number to peer
 */
public record AllocationView(long id, String user, String transport, InetSocketAddress client, InetSocketAddress server,
        List<InetSocketAddress> relayed, long ageSeconds, long lifetimeLeft, List<InetAddress> permissions,
        Map<Integer, InetSocketAddress> channels, long packetsToPeer, long bytesToPeer, long packetsToClient,
        long bytesToClient) {
}
