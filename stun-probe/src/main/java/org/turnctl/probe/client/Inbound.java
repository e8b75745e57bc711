package org.turnctl.probe.client;

import org.turnctl.stun.StunMessage;

/**
 * Something the server sent: a STUN message, or ChannelData (channel number and payload), with
 * the {@link System#nanoTime()} at which the socket handed it over, so that a round trip is timed
 * around the network wait and not around the decoding that follows.
 */
public record Inbound(StunMessage message, int channel, byte[] data, long arrivedNanos) {
    public boolean isChannelData() {
        return message == null;
    }
}
