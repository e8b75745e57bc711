package org.turnctl.probe.run;

import java.util.Map;

/**
 * The success run in numbers. Percentiles are nearest rank; jitter is the mean absolute
 * difference of consecutive RTTs; NaN where there were no samples. RTT, loss and jitter are over
 * the echoes measured once each connection was up: {@code echoesSent} of them, {@code echoesLost}
 * lost, so a reader can judge the sample. {@code firstPacketRetransmissions} counts the
 * connectivity-check transmissions that were lost before one got through, over all attempts.
 * The samples (RTTs of the echoes, and each connected attempt's time to its first packet) are for
 * histograms ({@code probe --watch}), not for the report.
 */
public record SuccessReport(int attempts, int succeeded, double ratePct, Map<String, Integer> failures,
        double rttP50, double rttP90, double rttP99, double firstPacketP50, double firstPacketP90,
        double firstPacketP99, double lossPct, double jitterMs, int echoesSent, int echoesLost,
        int firstPacketRetransmissions, java.util.List<Double> rttSamplesMs, java.util.List<Double> firstPacketSamplesMs) {
    public SuccessReport {
        rttSamplesMs = java.util.List.copyOf(rttSamplesMs);
        firstPacketSamplesMs = java.util.List.copyOf(firstPacketSamplesMs);
    }
}
