/**
 * The TURN relay (RFC 8656): listeners, authentication, allocations, relay paths, peer policy
 * and metrics. See docs/ARCHITECTURE.md for the path of one packet.
 */
package org.turnctl.server;
