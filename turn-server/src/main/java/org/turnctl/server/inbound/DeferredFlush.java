package org.turnctl.server.inbound;

import io.netty.channel.Channel;

/**
 * One flush of a UDP listener socket per event-loop turn, however many relay sockets wrote to it
 * during the turn. Relayed data to clients leaves through the listener socket, and the relay
 * sockets that produce it become readable together (a call's packets arrive in bursts, 20 ms
 * apart); flushed at the end of the turn, the datagrams go out in one {@code sendmmsg} instead of
 * one {@code sendto} each. Netty runs the task queue after the turn's I/O, so the wait is only the
 * rest of that turn. Used on the listener's event loop only (relay sockets live on it).
 */
final class DeferredFlush implements Runnable {
    private final Channel channel;
    private boolean scheduled;

    DeferredFlush(Channel channel) {
        this.channel = channel;
    }

    /** Flushes the listener at the end of this turn (once, however often asked). */
    void request() {
        if (!scheduled) {
            scheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        channel.flush();
    }
}
