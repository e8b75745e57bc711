package org.turnctl.server.allocation;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * The second relay socket of a dual allocation (RFC 8656 section 7.2, ADDITIONAL-ADDRESS-FAMILY):
 * the IPv6 one beside the IPv4 one. Same lifetime, same permissions table (keyed by IP, so each
 * family's peers sit side by side), same channels; the data path picks the socket by the peer's
 * family.
 *
 * @param channel    the bound relay socket
 * @param address    its own address
 * @param advertised what XOR-RELAYED-ADDRESS says for it
 */
public record AdditionalRelay(Channel channel, InetSocketAddress address, InetSocketAddress advertised) {
}
