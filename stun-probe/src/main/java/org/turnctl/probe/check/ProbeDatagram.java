package org.turnctl.probe.check;

import java.nio.ByteBuffer;

/**
 * What the probe sends through a relay pair: 24 bytes, the size of a small media packet's
 * headers. An 8-byte kind ({@code turnctlC}: a connectivity check, {@code turnctlE}: an echo),
 * the sequence number, and the transmission number. Checks are retransmitted, and the answer
 * names the transmission that got through, so a check's round trip is never ambiguous (the
 * problem RFC 6298's Karn rule works around for TCP).
 */
public final class ProbeDatagram {
    /** "turnctlC": a connectivity check, retransmitted until answered. */
    public static final long CHECK = 0x7475726e63746c43L;
    /** "turnctlE": an echo of the measured stream, sent once. */
    public static final long ECHO = 0x7475726e63746c45L;
    public static final int LENGTH = 24;

    /** A parsed probe datagram. */
    public record Parsed(long kind, long seq, int transmission) {
    }

    private ProbeDatagram() {
    }

    public static byte[] encode(long kind, long seq, int transmission) {
        return ByteBuffer.allocate(LENGTH).putLong(kind).putLong(seq).putInt(transmission).putInt(0).array();
    }

    /** The datagram, or null for anything that is not one of ours (late, foreign, or truncated). */
    public static Parsed parse(byte[] payload) {
        if (payload == null || payload.length != LENGTH) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long kind = b.getLong();
        if (kind != CHECK && kind != ECHO) {
            return null;
        }
        return new Parsed(kind, b.getLong(), b.getInt());
    }
}
