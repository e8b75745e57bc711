package org.turnctl.probe.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.turnctl.probe.check.Causes;
import org.turnctl.probe.check.RelayPair;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.stats.Stats;

/**
 * {@code success}: the whole connect, repeated, judged as a call is judged. An attempt allocates
 * two fresh relays, installs permissions both ways (every transaction retransmitted as RFC 8489
 * says), then gets one packet through A to B and back, retransmitted like an ICE connectivity
 * check. It fails only when a step gets an error response (its cause named) or nothing gets
 * through within --timeout. A single lost datagram is not a failed connection: it is loss.
 *
 * <p>Loss, RTT and jitter come from the echoes measured after the connection is up (--echoes per
 * attempt), never from the connection's own packets, whose retransmissions would hide loss and
 * whose timing includes allocation. Bounded: {@code count} attempts, each by the timeouts.
 */
public final class SuccessRun {

    private SuccessRun() {
    }

    private record Attempt(boolean ok, String failure, double firstPacketMs, int retransmissions, List<Double> rtts,
            int sent, int lost) {
        static Attempt failed(String cause, int retransmissions) {
            return new Attempt(false, cause, -1, retransmissions, List.of(), 0, 0);
        }
    }

    public static SuccessReport run(Target target, IntConsumer progress) throws InterruptedException {
        var o = target.options();
        int count = Math.max(1, o.count());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.concurrency(), count)), r -> {
            Thread t = new Thread(r, "turnctl-probe-attempt");
            t.setDaemon(true);
            return t;
        });
        List<Future<Attempt>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                final int n = i;
                futures.add(pool.submit(() -> {
                    Attempt a = attempt(target, n);
                    progress.accept(n);
                    return a;
                }));
                if (o.intervalMs() > 0 && i + 1 < count) {
                    Thread.sleep(o.intervalMs()); // pacing attempt starts, not timing anything
                }
            }
            List<Attempt> done = new ArrayList<>();
            for (Future<Attempt> f : futures) {
                try {
                    done.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    done.add(Attempt.failed("internal-error", 0));
                }
            }
            return summarize(done);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(o.timeoutMs() * 2, TimeUnit.MILLISECONDS);
        }
    }

    private static Attempt attempt(Target target, int n) {
        var o = target.options();
        long t0 = System.nanoTime();
        try (RelayPair pair = RelayPair.open(target)) {
            RelayPair.Connection c = pair.connect(n, o.timeoutMs());
            if (!c.connected()) {
                return Attempt.failed("no-data", c.retransmissions());
            }
            // Allocations, permissions and the check's retransmissions: what a user waits for.
            double first = (c.firstArrivalNanos() - t0) / 1e6;
            RelayPair.Echoes e = pair.echoes(o.echoes(), o.intervalMs(), RelayPair.lateBoundMs(c, o.timeoutMs()));
            return new Attempt(true, null, first, c.retransmissions(), e.rttsMs(), e.sent(), e.lost());
        } catch (Exception e) {
            return Attempt.failed(Causes.key(e), 0);
        }
    }

    static SuccessReport summarize(List<Attempt> attempts) {
        int ok = 0;
        int sent = 0;
        int lost = 0;
        int retransmissions = 0;
        Map<String, Integer> failures = new TreeMap<>();
        List<Double> rtts = new ArrayList<>();
        List<Double> firsts = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.ok()) {
                ok++;
                firsts.add(a.firstPacketMs());
            } else {
                failures.merge(a.failure(), 1, Integer::sum);
            }
            retransmissions += a.retransmissions();
            rtts.addAll(a.rtts());
            sent += a.sent();
            lost += a.lost();
        }
        double rate = 100.0 * ok / attempts.size();
        return new SuccessReport(attempts.size(), ok, Stats.round(rate), Collections.unmodifiableMap(failures),
                Stats.round(Stats.percentile(rtts, 50)), Stats.round(Stats.percentile(rtts, 90)),
                Stats.round(Stats.percentile(rtts, 99)), Stats.round(Stats.percentile(firsts, 50)),
                Stats.round(Stats.percentile(firsts, 90)), Stats.round(Stats.percentile(firsts, 99)),
                sent == 0 ? Double.NaN : Stats.round(100.0 * lost / sent), Stats.round(Stats.jitter(rtts)), sent, lost, retransmissions, rtts, firsts);
    }
}
