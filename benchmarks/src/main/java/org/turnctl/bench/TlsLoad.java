package org.turnctl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.turnctl.probe.check.TlsOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TlsConnector;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.config.TlsConfig;
import org.turnctl.server.tls.SelfSignedCertificate;
import org.turnctl.stun.codec.Integrity;

/**
 * TURN over TLS on loopback, to choose the TLS engine by measurement: handshakes per second
 * (two client threads, connect + full handshake + close) and saturated relayed packets per second
 * (ChannelData client to peer, as RelayLoad), over TLS and over plain TCP, with the server's
 * event-loop CPU per handshake and per packet. The engine is -Dturnctl.tls.engine=jdk|openssl
 * (the server's default is BoringSSL where it loads).
 * Bounded in count and in time (30 s per phase).
 *
 * <pre>java -Dturnctl.tls.engine=jdk -cp benchmarks/target/benchmarks.jar org.turnctl.bench.TlsLoad [handshakes] [packets]</pre>
 */
public final class TlsLoad {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TlsLoad() {
    }

    /** CPU nanoseconds used so far by the server's event-loop threads. */
    private static long serverCpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            var info = THREADS.getThreadInfo(id);
            if (info != null && info.getThreadName().toLowerCase().contains("eventloop")) {
                long t = THREADS.getThreadCpuTime(id);
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int packets = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String engine = System.getProperty("turnctl.tls.engine", "openssl");
        if (engine.equals("openssl") && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
            throw new IllegalStateException("BoringSSL (netty-tcnative) is not available: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        Path certs = Files.createTempDirectory("tlsload");
        SelfSignedCertificate.write(SelfSignedCertificate.create("127.0.0.1", 2), List.of(), certs);
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(lo, 0)), List.of(), Map.of(),
                49152, 65535, "load", Map.of("u", Integrity.longTermKeyMd5("u", "load", "p")), List.of(), List.of(), List.of(),
                true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM).withTls(new TlsConfig(certs.resolve("cert.pem"),
                certs.resolve("key.pem"), List.of(new InetSocketAddress(lo, 0)), false)));
        try {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new TlsOptions.RecordingTrustManager()}, null);
            InetSocketAddress tls = server.tlsAddresses().get(0);
            // Warm-up, not counted: the JIT and both engines' first-use costs.
            handshakes(tls, trustAll, 300);
            long cpu0 = serverCpuNanos();
            long t0 = System.nanoTime();
            int done = handshakes(tls, trustAll, handshakes);
            double s = (System.nanoTime() - t0) / 1e9;
            double cpuPer = (serverCpuNanos() - cpu0) / 1e3 / Math.max(1, done);
            System.out.printf("engine %s: %d handshakes in %.2f s: %.0f handshakes/s, server CPU %.0f us per handshake%n",
                    engine, done, s, done / s, cpuPer);
            relay(server, tls, trustAll, packets / 5, true, engine, false);
            relay(server, tls, trustAll, packets, true, engine, true);
            relay(server, server.tcpAddresses().get(0), null, packets / 5, false, engine, false);
            relay(server, server.tcpAddresses().get(0), null, packets, false, engine, true);
        } finally {
            server.close();
        }
    }

    private static int handshakes(InetSocketAddress at, SSLContext ctx, int n) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(n);
        AtomicInteger done = new AtomicInteger();
        long deadline = System.nanoTime() + 30_000_000_000L;
        Thread[] workers = new Thread[2];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(() -> {
                while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                    try (SSLSocket s = TlsConnector.connect(at, "127.0.0.1", 3000, ctx, false)) {
                        done.incrementAndGet();
                    } catch (Exception e) {
                        // counted as not done
                    }
                }
            });
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return done.get();
    }

    private static void relay(TurnServer server, InetSocketAddress at, SSLContext ctx, int packets, boolean tls, String engine,
            boolean report) throws Exception {
        int payload = 160;
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setReceiveBufferSize(8 << 20);
            peer.setSoTimeout(1000);
            StunClient stun = tls ? StunClient.over(TlsConnector.connect(at, "127.0.0.1", 3000, ctx, false), at, 3000)
                    : StunClient.open(at, IceServerUri.Transport.TCP, 3000);
            TurnClient client = new TurnClient(stun, "u", "p");
            client.allocate();
            client.channelBind(0x4000, (InetSocketAddress) peer.getLocalSocketAddress());
            PeerCounter counter = new PeerCounter(peer);
            counter.start();
            byte[] data = new byte[payload];
            long cpu0 = serverCpuNanos();
            long start = System.nanoTime();
            long deadline = start + 30_000_000_000L;
            int sent = 0;
            for (; sent < packets && System.nanoTime() < deadline; sent++) {
                client.sendChannelData(0x4000, data);
            }
            counter.join(40_000);
            double seconds = (counter.lastArrivalNanos() - start) / 1e9;
            long got = counter.received();
            double cpuPer = (serverCpuNanos() - cpu0) / 1e3 / Math.max(1, got);
            if (report) {
                System.out.printf("engine %s, relay over %s: sent %d, received %d in %.2f s: %.0f packets/s, server CPU %.1f us per packet%n",
                        engine, tls ? "TLS" : "TCP", sent, got, seconds, got / seconds, cpuPer);
            }
            client.close();
        }
    }
}
