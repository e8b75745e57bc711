package org.turnctl.probe.client;

import org.turnctl.stun.StunMessage;

/** Something the server sent: a STUN message, or ChannelData (channel number and payload). */
public record Inbound(StunMessage message, int channel, byte[] data) {
    public boolean isChannelData() {
        return message == null;
    }
}
