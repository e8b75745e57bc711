package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32;
import org.turnctl.stun.StunMessage;

/** FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message before it, XOR 0x5354554e. */
public final class Fingerprint {
    public static final long XOR = 0x5354554EL;

    private Fingerprint() {
    }

    /** True when the message has a FINGERPRINT and it matches the bytes as received. */
    public static boolean verify(StunMessage msg) {
        int at = msg.fingerprintOffset();
        byte[] raw = msg.raw();
        if (at < 0 || raw == null) {
            return false;
        }
        CRC32 crc = new CRC32();
        // FINGERPRINT is last (the decoder enforces it), so the length field already ends with it.
        crc.update(raw, 0, at);
        long expected = StunCodec.u32(raw, at + 4) & 0xFFFF_FFFFL;
        return ((crc.getValue() ^ XOR) & 0xFFFF_FFFFL) == expected;
    }

    /** True when the message carries a FINGERPRINT at all. */
    public static boolean isPresent(StunMessage msg) {
        return msg.fingerprintOffset() >= 0;
    }

    static long compute(ByteBuf buf, int start, int length) {
        CRC32 crc = new CRC32();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + start, length);
        } else {
            crc.update(buf.nioBuffer(start, length));
        }
        return (crc.getValue() ^ XOR) & 0xFFFF_FFFFL;
    }
}
