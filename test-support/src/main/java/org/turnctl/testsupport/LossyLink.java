package org.turnctl.testsupport;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A userland UDP link for tests, put between a client and a server on loopback: the client sends
 * to {@link #address()}, and the link forwards to the server from one outside socket per client
 * address, so the server sees each client as its own 5-tuple, as across a real network.
 *
 * <p>Each direction has its own seeded random loss, a fixed delay plus uniform jitter (datagrams
 * may then overtake each other, as on a real path), and counters of what it really forwarded and
 * dropped, so a test can hold a measurement to what happened rather than to what was configured.
 * A predicate marks the datagrams a test wants counted apart (say, the probe's echoes).
 *
 * <p>Loopback only; threads are daemons and end on {@link #close}.
 */
public final class LossyLink implements Closeable {

    /** {@code UP}: client to server. {@code DOWN}: server to client. */
    public enum Direction { UP, DOWN }

    /**
     * How the link behaves in one direction.
     *
     * @param loss         probability that a datagram is dropped, 0-1
     * @param delayMicros  fixed one-way delay added
     * @param jitterMicros uniform extra delay in [0, jitter)
     */
    public record Behaviour(double loss, long delayMicros, long jitterMicros) {
        public Behaviour {
            if (loss < 0 || loss > 1 || delayMicros < 0 || jitterMicros < 0) {
                throw new IllegalArgumentException("loss 0-1, delay and jitter >= 0");
            }
        }

        public static Behaviour loss(double loss) {
            return new Behaviour(loss, 0, 0);
        }

        public static Behaviour delayMs(long ms) {
            return new Behaviour(0, ms * 1000, 0);
        }
    }

    /** What one direction really did. "Marked" counts only datagrams the predicate selected. */
    public static final class Counters {
        private final AtomicLong forwarded = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong markedForwarded = new AtomicLong();
        private final AtomicLong markedDropped = new AtomicLong();
        private final AtomicLong delayed = new AtomicLong();
        private final AtomicLong heldNanos = new AtomicLong();

        public long forwarded() {
            return forwarded.get();
        }

        public long dropped() {
            return dropped.get();
        }

        public long markedForwarded() {
            return markedForwarded.get();
        }

        public long markedDropped() {
            return markedDropped.get();
        }

        /** The mean time the link really held a delayed datagram, in ms (0 before any was delayed). */
        public double meanDelayMs() {
            long n = delayed.get();
            return n == 0 ? 0 : heldNanos.get() / 1e6 / n;
        }

        @Override
        public String toString() {
            return "forwarded " + forwarded() + ", dropped " + dropped() + " (marked: forwarded " + markedForwarded()
                    + ", dropped " + markedDropped() + ")";
        }
    }

    private static final int MAX_DATAGRAM = 65535;
    private static final int POLL_MS = 100;
    private static final int MAX_CLIENTS = 1024;

    private final InetSocketAddress server;
    private final Behaviour up;
    private final Behaviour down;
    private final Predicate<byte[]> marked;
    private final Random upRandom;
    private final Random downRandom;
    private final Counters upCounters = new Counters();
    private final Counters downCounters = new Counters();
    private final DatagramSocket inside;
    private final Map<InetSocketAddress, DatagramSocket> outside = new ConcurrentHashMap<>();
    private final DelayQueue<Pending> queue = new DelayQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    /** How late the delay thread wakes, smoothed (written by that thread only). */
    private volatile long wakeLatenessNanos;

    /**
     * A datagram waiting out its delay. A timed wake-up is late by tens to hundreds of microseconds
     * (more in a VM), which would add itself to every delay a test holds the probe to; so the queue
     * hands each datagram over early by the lateness the delay thread has been seeing, and the
     * counters record how long each one was really held.
     */
    private final class Pending implements Delayed {
        final long arrivedNanos;
        final long dueNanos;
        final DatagramSocket socket;
        final DatagramPacket packet;
        final Counters counters;

        Pending(long arrivedNanos, long dueNanos, DatagramSocket socket, DatagramPacket packet, Counters counters) {
            this.arrivedNanos = arrivedNanos;
            this.dueNanos = dueNanos;
            this.socket = socket;
            this.packet = packet;
            this.counters = counters;
        }

        long wakeNanos() {
            return dueNanos - wakeLatenessNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(wakeNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Pending) o).dueNanos);
        }
    }

    private LossyLink(InetSocketAddress server, Behaviour up, Behaviour down, long seed, Predicate<byte[]> marked)
            throws SocketException {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests only use loopback: " + server);
        }
        this.server = server;
        this.up = up;
        this.down = down;
        this.marked = marked;
        this.upRandom = new Random(seed);
        this.downRandom = new Random(seed ^ 0x5DEECE66DL);
        this.inside = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        inside.setSoTimeout(POLL_MS);
        this.wakeLatenessNanos = measureWakeLateness();
        start("lossy-link-up", this::pumpUp);
        start("lossy-link-delay", this::pumpDelayed);
    }

    /**
     * A link to {@code server} (loopback) with the given behaviour each way, its randomness seeded,
     * counting apart the datagrams {@code marked} selects.
     */
    public static LossyLink open(InetSocketAddress server, Behaviour up, Behaviour down, long seed, Predicate<byte[]> marked)
            throws SocketException {
        return new LossyLink(server, up, down, seed, marked);
    }

    /** Where clients send: the link's end facing them. */
    public InetSocketAddress address() {
        return (InetSocketAddress) inside.getLocalSocketAddress();
    }

    public Counters counters(Direction d) {
        return d == Direction.UP ? upCounters : downCounters;
    }

    private void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        synchronized (threads) {
            threads.add(t);
        }
    }

    private void pumpUp() {
        byte[] buf = new byte[MAX_DATAGRAM];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                inside.receive(p);
                long arrived = System.nanoTime();
                InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
                DatagramSocket out = outside.get(client);
                if (out == null) {
                    if (outside.size() >= MAX_CLIENTS) {
                        continue; // a bounded link: a runaway test cannot open sockets without end
                    }
                    out = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
                    out.setSoTimeout(POLL_MS);
                    outside.put(client, out);
                    DatagramSocket o = out;
                    start("lossy-link-down-" + client.getPort(), () -> pumpDown(o, client));
                }
                pass(arrived, Arrays.copyOf(buf, p.getLength()), out, server, up, upRandom, upCounters);
            } catch (SocketTimeoutException e) {
                // poll the closed flag
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("lossy link: " + e, e);
                }
                return;
            }
        }
    }

    private void pumpDown(DatagramSocket out, InetSocketAddress client) {
        byte[] buf = new byte[MAX_DATAGRAM];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                out.receive(p);
                long arrived = System.nanoTime();
                if (!p.getSocketAddress().equals(server)) {
                    continue; // only the server's datagrams cross back
                }
                pass(arrived, Arrays.copyOf(buf, p.getLength()), inside, client, down, downRandom, downCounters);
            } catch (SocketTimeoutException e) {
                // poll the closed flag
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Drops, or sends now, or queues for later: one datagram through one direction. */
    private void pass(long arrived, byte[] data, DatagramSocket via, InetSocketAddress to, Behaviour b, Random random, Counters c)
            throws IOException {
        boolean drop;
        long jitter;
        synchronized (random) {
            drop = b.loss() > 0 && random.nextDouble() < b.loss();
            jitter = b.jitterMicros() > 0 ? (long) (random.nextDouble() * b.jitterMicros()) : 0;
        }
        boolean isMarked = marked.test(data);
        if (drop) {
            c.dropped.incrementAndGet();
            if (isMarked) {
                c.markedDropped.incrementAndGet();
            }
            return;
        }
        c.forwarded.incrementAndGet();
        if (isMarked) {
            c.markedForwarded.incrementAndGet();
        }
        DatagramPacket packet = new DatagramPacket(data, data.length, to);
        long delayMicros = b.delayMicros() + jitter;
        if (delayMicros == 0) {
            via.send(packet);
        } else {
            queue.add(new Pending(arrived, arrived + delayMicros * 1000, via, packet, c));
        }
    }

    private void pumpDelayed() {
        while (!closed) {
            try {
                Pending p = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (p != null) {
                    p.socket.send(p.packet);
                    long sent = System.nanoTime();
                    // Late by the wake-up and the send itself: hand the next ones over that much earlier.
                    long late = Math.max(0, Math.min(sent - p.wakeNanos(), 5_000_000));
                    wakeLatenessNanos = wakeLatenessNanos + (late - wakeLatenessNanos) / 8;
                    p.counters.delayed.incrementAndGet();
                    p.counters.heldNanos.addAndGet(sent - p.arrivedNanos);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // a socket closed under a late datagram: it is lost, as on a link going down
            }
        }
    }

    /** The first estimate of the delay thread's lateness, before any datagram: how late 20 short timed parks wake. */
    private static long measureWakeLateness() {
        long total = 0;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            total += Math.max(0, System.nanoTime() - t0 - 200_000);
        }
        return Math.min(total / 20, 5_000_000);
    }

    /** True when {@code data} contains {@code needle}: marks datagrams by a payload they carry. */
    public static boolean contains(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        inside.close();
        for (DatagramSocket s : outside.values()) {
            s.close();
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread t : all) {
            try {
                t.join(POLL_MS * 20L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
