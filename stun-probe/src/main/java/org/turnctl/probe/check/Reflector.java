package org.turnctl.probe.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.turnctl.probe.client.Inbound;
import org.turnctl.probe.client.TurnClient;

/**
 * B's end of a relay pair while data flows: on its own thread it sends every probe datagram it
 * receives straight back to A's relay, as the far end of a call answers each ICE check it gets,
 * retransmissions included. It notes when the first check arrived and which transmission it was.
 * Only this thread touches B's client until {@link #close} returns.
 */
final class Reflector implements AutoCloseable {
    /** How long a receive blocks: the bound on how long {@link #close} waits for the thread. */
    private static final long POLL_MS = 20;

    private final TurnClient b;
    private final InetSocketAddress aRelay;
    private final int channel;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long firstCheckNanos;
    private volatile int firstCheckTransmission = -1;
    private volatile IOException failure;

    /** Starts reflecting to {@code aRelay}, as ChannelData on {@code channel} when it is not 0. */
    Reflector(TurnClient b, InetSocketAddress aRelay, int channel) {
        this.b = b;
        this.aRelay = aRelay;
        this.channel = channel;
        this.thread = new Thread(this::run, "turnctl-probe-reflector");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopped) {
                Inbound in = b.receive(POLL_MS);
                byte[] payload = TurnClient.payload(in);
                ProbeDatagram.Parsed d = ProbeDatagram.parse(payload);
                if (d == null) {
                    continue;
                }
                if (d.kind() == ProbeDatagram.CHECK && firstCheckTransmission < 0) {
                    firstCheckNanos = in.arrivedNanos();
                    firstCheckTransmission = d.transmission();
                }
                if (channel != 0) {
                    b.sendChannelData(channel, payload);
                } else {
                    b.send(aRelay, payload);
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                failure = e;
            }
        }
    }

    /** When the first check reached B ({@link System#nanoTime()}), or 0 before it did. */
    long firstCheckNanos() {
        return firstCheckTransmission < 0 ? 0 : firstCheckNanos;
    }

    /** Which transmission of the check reached B first (1 = the first one), or -1. */
    int firstCheckTransmission() {
        return firstCheckTransmission;
    }

    /** The socket error that stopped the reflector, or null. */
    IOException failure() {
        return failure;
    }

    /** Stops the thread and waits for it (a receive returns within {@link #POLL_MS}). */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(POLL_MS * 50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
