package org.turnctl.probe.check;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.probe.client.Inbound;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.stun.StunDecodeException;

/**
 * Two allocations on the target that talk to each other, relay to relay: what a call between two
 * users who both need the relay looks like. A gets a packet through with {@link #connect} and
 * then measures a stream with {@link #echoes}; B's end is a {@link Reflector}. Both allocations
 * are released on close.
 */
public final class RelayPair implements Closeable {
    public static final int CHANNEL = 0x4000;

    private final TurnClient a;
    private final TurnClient b;
    /**
     * The wait between check transmissions does not grow: a pair that is not yet writable is
     * checked again and again (libwebrtc every 48 ms), and B answers each transmission by number,
     * so a fast pace costs a few datagrams and never makes an RTT ambiguous. 500 ms is RFC 8489's
     * minimum RTO: at 10% loss each way one transmission's round trip fails 34% of the time, and
     * ten of them in a 5 s --timeout fail together once in 40,000 attempts.
     */
    private static final long CHECK_INTERVAL_MS = StunClient.INITIAL_RTO_MS;

    private boolean channels;
    private Reflector reflector;

    private RelayPair(TurnClient a, TurnClient b) {
        this.a = a;
        this.b = b;
    }

    /** Allocates A and B and installs permissions both ways. Releases what it got on failure. */
    public static RelayPair open(Target target) throws IOException, StunDecodeException, TurnErrorException {
        TurnClient a = target.turnClient();
        TurnClient b = null;
        try {
            a.allocate();
            b = target.turnClient();
            b.allocate();
            a.createPermission(b.relayed());
            b.createPermission(a.relayed());
            return new RelayPair(a, b);
        } catch (IOException | StunDecodeException | TurnErrorException | RuntimeException e) {
            a.close();
            if (b != null) {
                b.close();
            }
            throw e;
        }
    }

    public TurnClient a() {
        return a;
    }

    public TurnClient b() {
        return b;
    }

    /** Binds channel 0x4000 both ways; echoes then go as ChannelData. */
    public void bindChannels() throws IOException, StunDecodeException, TurnErrorException {
        stopReflector(); // B's client is about to run a transaction: the reflector must let go of it
        a.channelBind(CHANNEL, b.relayed());
        b.channelBind(CHANNEL, a.relayed());
        channels = true;
    }

    /**
     * The outcome of {@link #connect}.
     *
     * @param connected         the check came back
     * @param transmissions     how many times A sent the check
     * @param firstArrivalNanos when the first check reached B ({@link System#nanoTime()}), 0 if none did
     * @param retransmissions   transmissions lost before the first one reached B
     * @param rttMs             round trip of the transmission that was answered, -1 if none was
     */
    public record Connection(boolean connected, int transmissions, long firstArrivalNanos, int retransmissions, double rttMs) {
    }

    /** The measured stream: echoes sent, lost (or later than the bound), and RTTs in sequence order. */
    public record Echoes(int sent, int lost, List<Double> rttsMs) {
    }

    /**
     * Gets one packet through, A to B and back, as an ICE connectivity check does (RFC 8445
     * section 14.3): retransmitted every RTO (500 ms, RFC 8489 section 6.2.1's minimum) until it
     * is answered or {@code timeoutMs} has passed. B answers every
     * transmission it receives, so one lost datagram costs one RTO, not the connection.
     */
    public Connection connect(long seq, long timeoutMs) throws IOException {
        Reflector r = reflector();
        List<Long> sentAt = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        long nextSend = start;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                int first = r.firstCheckTransmission();
                return new Connection(false, sentAt.size(), r.firstCheckNanos(), first < 0 ? sentAt.size() : first - 1, -1);
            }
            if (now - nextSend >= 0) {
                byte[] check = ProbeDatagram.encode(ProbeDatagram.CHECK, seq, sentAt.size() + 1);
                sentAt.add(System.nanoTime());
                sendTo(a, b, check);
                nextSend = now + CHECK_INTERVAL_MS * 1_000_000;
            }
            Inbound in = a.receive(Math.max(1, (Math.min(nextSend, deadline) - System.nanoTime()) / 1_000_000));
            ProbeDatagram.Parsed d = ProbeDatagram.parse(TurnClient.payload(in));
            if (d != null && d.kind() == ProbeDatagram.CHECK && d.seq() == seq
                    && d.transmission() >= 1 && d.transmission() <= sentAt.size()) {
                double rtt = (in.arrivedNanos() - sentAt.get(d.transmission() - 1)) / 1e6;
                return new Connection(true, sentAt.size(), r.firstCheckNanos(), r.firstCheckTransmission() - 1, rtt);
            }
            failIfReflectorFailed(r);
        }
    }

    /**
     * After {@link #connect}: {@code count} echoes from A, one every {@code intervalMs} (a media
     * stream's pacing; 0 sends them back to back), each reflected by B. An echo not back within
     * {@code lateMs} of its sending is lost, as a media packet that late is. Each RTT is the
     * time from A's send to the arrival back at A: four crossings of the network, twice through
     * the relay.
     */
    public Echoes echoes(int count, long intervalMs, long lateMs) throws IOException {
        Reflector r = reflector();
        long[] sentAt = new long[count];
        double[] rtt = new double[count];
        java.util.Arrays.fill(rtt, -1);
        int sent = 0;
        int back = 0;
        long next = System.nanoTime();
        long end = Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (sent < count && now - next >= 0) {
                byte[] echo = ProbeDatagram.encode(ProbeDatagram.ECHO, sent, 0);
                sentAt[sent] = System.nanoTime();
                sendTo(a, b, echo);
                sent++;
                next += intervalMs * 1_000_000;
                if (sent == count) {
                    end = sentAt[sent - 1] + lateMs * 1_000_000;
                }
                continue;
            }
            if (sent == count && (back == count || now - end >= 0)) {
                break;
            }
            long until = sent < count ? next : end;
            Inbound in = a.receive(Math.max(1, (until - now) / 1_000_000));
            ProbeDatagram.Parsed d = ProbeDatagram.parse(TurnClient.payload(in));
            if (d != null && d.kind() == ProbeDatagram.ECHO && d.seq() >= 0 && d.seq() < sent && rtt[(int) d.seq()] < 0) {
                long took = in.arrivedNanos() - sentAt[(int) d.seq()];
                if (took <= lateMs * 1_000_000) {
                    rtt[(int) d.seq()] = took / 1e6;
                    back++;
                }
            }
            failIfReflectorFailed(r);
        }
        List<Double> rtts = new ArrayList<>(back);
        for (double x : rtt) {
            if (x >= 0) {
                rtts.add(x);
            }
        }
        return new Echoes(count, count - back, rtts);
    }

    /**
     * How late an echo may come back and still count: a second, or five times the connection's
     * round trip on a slow path, but never more than the transaction timeout.
     */
    public static long lateBoundMs(Connection c, long timeoutMs) {
        return Math.min(timeoutMs, Math.max(1000, (long) Math.ceil(5 * c.rttMs())));
    }

    private Reflector reflector() {
        if (reflector == null) {
            reflector = new Reflector(b, a.relayed(), channels ? CHANNEL : 0);
        }
        return reflector;
    }

    private static void failIfReflectorFailed(Reflector r) throws IOException {
        if (r.failure() != null) {
            throw r.failure();
        }
    }

    private void stopReflector() {
        if (reflector != null) {
            reflector.close();
            reflector = null;
        }
    }

    private void sendTo(TurnClient from, TurnClient to, byte[] payload) throws IOException {
        if (channels) {
            from.sendChannelData(CHANNEL, payload);
        } else {
            from.send(to.relayed(), payload);
        }
    }

    @Override
    public void close() {
        stopReflector();
        a.close();
        b.close();
    }
}
