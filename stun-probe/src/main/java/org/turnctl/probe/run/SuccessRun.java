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
 * {@code success}: the whole connect, repeated: two fresh allocations, permissions both ways,
 * and a first packet through the relays; then a few more echoes for RTT, loss and jitter.
 * An attempt succeeds when its first packet arrives. Bounded: {@code count} attempts, each
 * bounded by the transaction timeout.
 */
public final class SuccessRun {
    static final int ECHOES_PER_ATTEMPT = 5;

    private SuccessRun() {
    }

    private record Attempt(boolean ok, String failure, double firstPacketMs, List<Double> rtts, int sent, int lost) {
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
                    done.add(new Attempt(false, "internal-error", -1, List.of(), 0, 0));
                }
            }
            return summarize(done);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(o.timeoutMs() * 2, TimeUnit.MILLISECONDS);
        }
    }

    private static Attempt attempt(Target target, int n) {
        long t0 = System.nanoTime();
        long legTimeout = Math.min(target.options().timeoutMs(), 2000);
        try (RelayPair pair = RelayPair.open(target)) {
            List<Double> rtts = new ArrayList<>();
            double first = -1;
            int lost = 0;
            for (int i = 0; i < ECHOES_PER_ATTEMPT; i++) {
                double before = (System.nanoTime() - t0) / 1e6;
                RelayPair.Echo e = pair.echo(n * 100L + i, legTimeout);
                if (i == 0 && e.oneWayArrivalMs() >= 0) {
                    first = before + e.oneWayArrivalMs(); // allocate + permissions + first packet at B
                }
                if (e.delivered()) {
                    rtts.add(e.rttMs());
                } else {
                    lost++;
                }
            }
            if (first < 0) {
                return new Attempt(false, "no-data", -1, rtts, ECHOES_PER_ATTEMPT, lost);
            }
            return new Attempt(true, null, first, rtts, ECHOES_PER_ATTEMPT, lost);
        } catch (Exception e) {
            return new Attempt(false, Causes.key(e), -1, List.of(), 0, 0);
        }
    }

    static SuccessReport summarize(List<Attempt> attempts) {
        int ok = 0;
        int sent = 0;
        int lost = 0;
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
            rtts.addAll(a.rtts());
            sent += a.sent();
            lost += a.lost();
        }
        double rate = 100.0 * ok / attempts.size();
        return new SuccessReport(attempts.size(), ok, Stats.round(rate), Collections.unmodifiableMap(failures),
                Stats.round(Stats.percentile(rtts, 50)), Stats.round(Stats.percentile(rtts, 90)),
                Stats.round(Stats.percentile(rtts, 99)), Stats.round(Stats.percentile(firsts, 50)),
                Stats.round(Stats.percentile(firsts, 90)), Stats.round(Stats.percentile(firsts, 99)),
                sent == 0 ? Double.NaN : Stats.round(100.0 * lost / sent), Stats.round(Stats.jitter(rtts)), sent, lost, rtts);
    }
}
