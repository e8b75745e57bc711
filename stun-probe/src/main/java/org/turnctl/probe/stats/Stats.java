package org.turnctl.probe.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles (nearest rank) and jitter over a series of samples in milliseconds. */
public final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile: the smallest sample with at least p% of samples at or below it. NaN when empty. */
    public static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Mean absolute difference of consecutive samples (RFC 3550's idea without the smoothing). NaN below two samples. */
    public static double jitter(List<Double> samplesInOrder) {
        if (samplesInOrder.size() < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 1; i < samplesInOrder.size(); i++) {
            sum += Math.abs(samplesInOrder.get(i) - samplesInOrder.get(i - 1));
        }
        return sum / (samplesInOrder.size() - 1);
    }

    /** Rounds to 3 decimals for reports. */
    public static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000.0) / 1000.0;
    }
}
