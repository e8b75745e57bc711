package org.turnctl.server.allocation;

import java.net.InetSocketAddress;

/** A channel number bound to a peer transport address, with its deadline. Event-loop confined. */
public final class ChannelBinding {
    private final int number;
    private final InetSocketAddress peer;
    private long expiresAt;

    ChannelBinding(int number, InetSocketAddress peer, long expiresAt) {
        this.number = number;
        this.peer = peer;
        this.expiresAt = expiresAt;
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public long expiresAt() {
        return expiresAt;
    }

    void refresh(long expiresAt) {
        this.expiresAt = expiresAt;
    }
}
