package org.turnctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.turnctl.probe.check.RelayPair;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.MicrometerTurnMetrics;
import org.turnctl.stun.codec.Integrity;

/**
 * Runs real TURN traffic through a throwaway server on loopback before {@code serve} opens its
 * listeners, so the JIT compiles the relay and control paths before the first user arrives: a
 * freshly started JVM otherwise spends its first minute interpreting and compiling, at two to
 * three times the CPU per packet (Kubernetes rolling restarts and autoscaling put exactly those
 * pods in front of users). The traffic is the probe's: allocations, permissions, channels, and
 * echoes with Send/Data and ChannelData, over UDP and TCP. The throwaway server has its own
 * random credential, its own metrics registry, and logs nothing; it is closed before the real one
 * starts.
 */
final class ServeWarmup {
    private static final String REALM = "warmup.invalid";
    /** Relay pairs at once: enough to keep every event loop busy on a small machine. */
    private static final int PARALLEL = 4;

    private ServeWarmup() {
    }

    /** What the warm-up did, for the start line. */
    record Result(int roundTrips, long millis) {
    }

    /**
     * About {@code roundTrips} relayed round trips (each four datagrams through the server), with
     * the relay port range and event loop count of {@code real}. Bounded by {@code maxMillis}.
     */
    static Result run(ServerConfig real, int roundTrips, long maxMillis) throws TurnServer.StartException, InterruptedException {
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
        try (TurnServer server = TurnServer.start(config, new MicrometerTurnMetrics(new SimpleMeterRegistry(), () -> 0))) {
            int port = server.udpAddresses().get(0).getPort();
            ProbeOptions o = new ProbeOptions(user, password, 0, 0, null, 1, 1, 0, 2000, Set.of(), 0, -1, -1, false);
            List<Target> targets = new ArrayList<>();
            for (String transport : List.of("udp", "tcp")) {
                IceServerUri uri = IceServerUri.parse("turn:127.0.0.1:" + port + "?transport=" + transport);
                targets.add(new Target(uri, new InetSocketAddress(loopback, port), o));
            }
            long deadline = t0 + maxMillis * 1_000_000;
            int perPair = 100;
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
                        batch.add(pool.submit(() -> pair(target, perPair)));
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
        return new Result(done, (System.nanoTime() - t0) / 1_000_000);
    }

    /** One relay pair: echoes with Send/Data, then over channels with ChannelData. Returns the round trips. */
    private static int pair(Target target, int perMode) throws Exception {
        int trips = 0;
        try (RelayPair pair = RelayPair.open(target)) {
            for (int mode = 0; mode < 2; mode++) {
                if (mode == 1) {
                    pair.bindChannels();
                }
                if (!pair.connect(mode, 2000).connected()) {
                    return trips;
                }
                RelayPair.Echoes e = pair.echoes(perMode, 0, 100); // loopback: a lost echo is not worth a long wait
                trips += e.sent() - e.lost();
            }
        }
        return trips;
    }
}
