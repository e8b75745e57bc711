/**
 * The TURN relay (RFC 8656): listeners, authentication, allocations, relay paths, peer policy
 * and metrics. See shared/DESIGN.md for the path of one packet.
 */
package org.turnctl.server;
