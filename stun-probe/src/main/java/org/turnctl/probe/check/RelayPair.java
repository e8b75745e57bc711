package org.turnctl.probe.check;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.turnctl.probe.client.Inbound;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.stun.StunDecodeException;

/**
 * Two allocations on the target that talk to each other, relay to relay: what a call between two
 * users who both need the relay looks like. Both are released on close.
 */
public final class RelayPair implements Closeable {
    public static final int CHANNEL = 0x4000;

    private final TurnClient a;
    private final TurnClient b;
    private boolean channels;

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
        a.channelBind(CHANNEL, b.relayed());
        b.channelBind(CHANNEL, a.relayed());
        channels = true;
    }

    /** Measurements of one echo: -1 where nothing arrived. */
    public record Echo(double oneWayArrivalMs, double rttMs) {
        public boolean delivered() {
            return rttMs >= 0;
        }
    }

    /**
     * A sends a numbered datagram to B's relay; B sends it back to A's relay. Returns when it is
     * back, or after {@code timeoutMs} for each leg. Late or foreign datagrams are skipped.
     */
    public Echo echo(long seq, long timeoutMs) throws IOException {
        byte[] payload = ByteBuffer.allocate(24).putLong(seq).putLong(System.nanoTime()).putLong(0x7475726e63746cL).array();
        long t0 = System.nanoTime();
        sendTo(a, b, payload);
        if (!await(b, seq, timeoutMs)) {
            return new Echo(-1, -1);
        }
        double arrival = (System.nanoTime() - t0) / 1e6;
        sendTo(b, a, payload);
        if (!await(a, seq, timeoutMs)) {
            return new Echo(arrival, -1);
        }
        return new Echo(arrival, (System.nanoTime() - t0) / 1e6);
    }

    private void sendTo(TurnClient from, TurnClient to, byte[] payload) throws IOException {
        if (channels) {
            from.sendChannelData(CHANNEL, payload);
        } else {
            from.send(to.relayed(), payload);
        }
    }

    private static boolean await(TurnClient c, long seq, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            Inbound in = c.receive(left);
            byte[] p = TurnClient.payload(in);
            if (p != null && p.length == 24 && ByteBuffer.wrap(p).getLong() == seq) {
                return true;
            }
        }
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
