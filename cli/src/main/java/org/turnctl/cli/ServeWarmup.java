package org.turnctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.Inbound;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.MicrometerTurnMetrics;
import org.turnctl.stun.attr.EvenPort;
import org.turnctl.stun.codec.Integrity;

/**
 * Runs real TURN traffic through a throwaway server on loopback before {@code serve} opens its
 * listeners, so the JIT compiles the relay and control paths before the first user arrives: a
 * freshly started JVM otherwise spends its first minute interpreting and compiling, at two to
 * three times the CPU per packet (Kubernetes rolling restarts and autoscaling put exactly those
 * pods in front of users). The traffic is shaped like a call's, so that the code the JIT compiles
 * is the code real traffic runs (a warm-up unlike it gets deoptimized and compiled again): TURN
 * clients over UDP and TCP, each with an allocation, a permission for an outside echo peer, Send
 * indications and then ChannelData. The throwaway server has its own random credential, its own
 * metrics registry of the real one's type, and logs nothing; it is closed before the real one
 * starts.
 */
final class ServeWarmup {
    private static final String REALM = "warmup.invalid";
    /** Clients at once: enough to keep every event loop busy on a small machine. */
    private static final int PARALLEL = 4;
    private static final int IN_FLIGHT = 8;
    private static final int CHANNEL = 0x4000;
    private static final long LOST_AFTER_MS = 200;

    private ServeWarmup() {
    }

    /** What the warm-up did, for the start line. */
    record Result(int roundTrips, long millis) {
    }

    /**
     * About {@code roundTrips} relayed round trips (each four datagrams through the server), with
     * the relay port range and event loop count of {@code real}. Bounded by {@code maxMillis}.
     */
    static Result run(ServerConfig real, int roundTrips, long maxMillis)
            throws TurnServer.StartException, InterruptedException, IOException {
        long t0 = System.nanoTime();
        String user = "warmup";
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerConfig config = new ServerConfig(List.of(new InetSocketAddress(loopback, 0)), List.of(loopback), Map.of(),
                real.minPort(), real.maxPort(), REALM, Map.of(user, Integrity.longTermKeyMd5(user, REALM, password)),
                List.of(), List.of(), List.of(), true, 0, 0, 600, 600, false, real.threads(), null, TimeSource.SYSTEM);
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.OFF); // the throwaway server's start line and allocation lines are not the user's
        int done = 0;
        // The real server's registry type, so the JIT's type profiles from the warm-up hold for it.
        MicrometerTurnMetrics metrics = new MicrometerTurnMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> 0);
        try (TurnServer server = TurnServer.start(config, metrics); EchoPeer peer = new EchoPeer(loopback)) {
            int port = server.udpAddresses().get(0).getPort();
            ProbeOptions o = new ProbeOptions(user, password, 0, 0, null, 1, 1, 0, 2000, Set.of(), 0, -1, -1, false);
            List<Target> targets = new ArrayList<>();
            for (String transport : List.of("udp", "tcp")) {
                IceServerUri uri = IceServerUri.parse("turn:127.0.0.1:" + port + "?transport=" + transport);
                targets.add(new Target(uri, new InetSocketAddress(loopback, port), o));
            }
            long deadline = t0 + maxMillis * 1_000_000;
            int perClient = 500;
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
                Thread t = new Thread(r, "turnctl-warmup");
                t.setDaemon(true);
                return t;
            });
            try {
                while (done < roundTrips && System.nanoTime() - deadline < 0) {
                    List<Future<Integer>> batch = new ArrayList<>();
                    for (int i = 0; i < PARALLEL; i++) {
                        Target target = targets.get(i % targets.size());
                        batch.add(pool.submit(() -> client(target, peer.address(), perClient)));
                    }
                    for (Future<Integer> f : batch) {
                        try {
                            done += f.get(Math.max(1, maxMillis), TimeUnit.MILLISECONDS);
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                            return new Result(done, (System.nanoTime() - t0) / 1_000_000); // a warm-up never stops a start
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            root.setLevel(level);
        }
        // The warm-up's garbage is the heap's whole content now: collect it once, before the first
        // user, so the heap can shrink back instead of carrying it as resident memory.
        System.gc();
        awaitCompilerQuiet(t0 + maxMillis * 1_000_000);
        return new Result(done, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Waits until the JIT has had nothing to compile for half a second (bounded by the deadline):
     * compilations the warm-up queued would otherwise run on the CPU the first users need.
     */
    private static void awaitCompilerQuiet(long deadlineNanos) throws InterruptedException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 5 && System.nanoTime() - deadlineNanos < 0) {
            Thread.sleep(100);
            long now = jit.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    /**
     * One client as a call's media looks to the server (the pattern of coturn's uclient): an
     * allocation (even port, the next one reserved), a permission for an outside peer, a stream
     * of Send indications, then a channel and a stream of ChannelData, each echoed by the peer.
     * Eight datagrams in flight at a time. Returns the round trips completed.
     */
    private static int client(Target target, InetSocketAddress peer, int roundTrips) throws Exception {
        try (TurnClient c = target.turnClient()) {
            c.allocate(new EvenPort(true));
            c.createPermission(peer);
            int trips = stream(c, peer, roundTrips / 4, false);
            c.channelBind(CHANNEL, peer);
            return trips + stream(c, peer, roundTrips - roundTrips / 4, true);
        }
    }

    private static int stream(TurnClient c, InetSocketAddress peer, int count, boolean channel) throws Exception {
        byte[] payload = new byte[120];
        int sent = 0;
        int settled = 0;
        int back = 0;
        while (settled < count) {
            while (sent < count && sent - settled < IN_FLIGHT) {
                if (channel) {
                    c.sendChannelData(CHANNEL, payload);
                } else {
                    c.send(peer, payload);
                }
                sent++;
            }
            Inbound in = c.receive(LOST_AFTER_MS);
            settled++; // an echo back, or one given up for lost: loopback loses only on overflow
            if (TurnClient.payload(in) != null) {
                back++;
            }
        }
        return back;
    }

    /** The outside peer: echoes every datagram to its sender, like turnutils_peer. */
    private static final class EchoPeer implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;

        EchoPeer(InetAddress at) throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(at, 0));
            thread = new Thread(this::run, "turnctl-warmup-peer");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        private void run() {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (true) {
                    p.setLength(buf.length);
                    socket.receive(p);
                    socket.send(p); // back to its sender, the relay
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(1000);
        }
    }
}
