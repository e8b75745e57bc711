package org.turnctl.server.allocation;

import java.net.InetSocketAddress;

/** Client address, server address and transport: what identifies an allocation (RFC 8656 section 2). */
public record FiveTuple(InetSocketAddress client, InetSocketAddress server, Transport transport) {
    @Override
    public String toString() {
        return transport.lower() + " " + org.turnctl.server.net.Addresses.format(client) + " -> "
                + org.turnctl.server.net.Addresses.format(server);
    }
}
