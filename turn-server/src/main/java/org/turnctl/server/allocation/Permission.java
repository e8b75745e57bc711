package org.turnctl.server.allocation;

/**
 * A permission's deadline, and whether it was granted only because the peer is one of this
 * server's relay sockets (a peer the policy would otherwise refuse).
 */
public record Permission(long until, boolean relayOnly) {
}
