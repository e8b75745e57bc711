package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;

/**
 * Tells packets apart by their first byte (RFC 7983 section 7, as TURN uses it): 0-3 STUN,
 * 20-63 DTLS, 64-127 ChannelData (channel numbers 0x4000-0x7FFF), anything else unknown.
 */
public final class Demux {

    /** What a packet is. */
    public enum Kind {
        STUN,
        CHANNEL_DATA,
        DTLS,
        UNKNOWN
    }

    private Demux() {
    }

    public static Kind classify(int firstByte) {
        int b = firstByte & 0xFF;
        if (b <= 3) {
            return Kind.STUN;
        }
        if (b >= 64 && b <= 127) {
            return Kind.CHANNEL_DATA;
        }
        if (b >= 20 && b <= 63) {
            return Kind.DTLS;
        }
        return Kind.UNKNOWN;
    }

    /** Classifies the byte at the reader index; an empty buffer is unknown. */
    public static Kind classify(ByteBuf buf) {
        return buf.isReadable() ? classify(buf.getUnsignedByte(buf.readerIndex())) : Kind.UNKNOWN;
    }
}
