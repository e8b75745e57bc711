package org.turnctl.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer side of a relay load: counts the datagrams that arrive on a socket and when the last
 * one did, and stops one read timeout after the flow ends (or when nothing ever came).
 */
final class PeerCounter extends Thread {
    private final DatagramSocket peer;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lastArrivalNanos = new AtomicLong();

    PeerCounter(DatagramSocket peer) {
        super("peer-counter");
        this.peer = peer;
    }

    @Override
    public void run() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (true) {
            try {
                peer.receive(p);
                received.incrementAndGet();
                lastArrivalNanos.set(System.nanoTime());
            } catch (SocketTimeoutException e) {
                if (received.get() > 0) {
                    return;
                }
            } catch (Exception e) {
                return;
            }
        }
    }

    long received() {
        return received.get();
    }

    long lastArrivalNanos() {
        return lastArrivalNanos.get();
    }
}
