package org.turnctl.bench;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.Operations;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.codec.Integrity;

/**
 * Relayed throughput on loopback, client to peer over a bound channel: an in-process server
 * (one event loop), one allocation, a plain UDP peer counting what arrives. The client sends
 * unpaced, so this measures the relay saturated (loss is the kernel dropping what the loop could
 * not read in time). Bounded in count (packets) and time (30 s).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.turnctl.bench.RelayLoad on|off [packets] [payloadBytes]</pre>
 */
public final class RelayLoad {

    private RelayLoad() {
    }

    public static void main(String[] args) throws Exception {
        boolean metrics = args.length > 0 && args[0].equals("on");
        int packets = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int payload = args.length > 2 ? Integer.parseInt(args[2]) : 160;
        InetAddress lo = InetAddress.getLoopbackAddress();
        Operations ops = metrics ? Operations.start(null) : null;
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(lo, 0)), List.of(), Map.of(),
                49152, 65535, "load", Map.of("u", Integrity.longTermKeyMd5("u", "load", "p")), List.of(), List.of(), List.of(),
                true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM), ops == null ? TurnMetrics.NOOP : ops.metrics());
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            peer.setReceiveBufferSize(8 << 20);
            peer.setSoTimeout(1000);
            TurnClient client = new TurnClient(StunClient.open(server.udpAddresses().get(0), IceServerUri.Transport.UDP, 3000), "u", "p");
            client.allocate();
            client.channelBind(0x4000, (InetSocketAddress) peer.getLocalSocketAddress());
            PeerCounter counter = new PeerCounter(peer);
            counter.start();
            byte[] frame = new byte[4 + payload];
            frame[0] = 0x40;
            frame[2] = (byte) (payload >> 8);
            frame[3] = (byte) payload;
            long start = System.nanoTime();
            long deadline = start + 30_000_000_000L;
            int sent = 0;
            for (; sent < packets && System.nanoTime() < deadline; sent++) {
                client.sendChannelData(0x4000, java.util.Arrays.copyOfRange(frame, 4, frame.length));
                if ((sent & 1023) == 1023) {
                    Thread.yield();
                }
            }
            counter.join(40_000);
            double seconds = (counter.lastArrivalNanos() - start) / 1e9;
            long got = counter.received();
            System.out.printf("metrics %s: sent %d, received %d (%.2f%% loss) in %.2f s: %.0f packets/s, %.1f Mbit/s payload%n",
                    metrics ? "on " : "off", sent, got, 100.0 * (sent - got) / sent, seconds, got / seconds,
                    got * payload * 8 / seconds / 1e6);
            if (ops != null) {
                System.out.println(ops.scrape().lines().filter(l -> l.startsWith("turn_relay_")).reduce("", (a, b) -> a + b + "\n"));
            }
            client.close();
        } finally {
            server.close();
            if (ops != null) {
                ops.close();
            }
        }
    }
}
