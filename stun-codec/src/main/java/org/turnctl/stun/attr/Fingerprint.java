package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message up to this attribute, XOR 0x5354554e. Compute and verify with {@link org.turnctl.stun.Fingerprint}; always the last attribute. */
public record Fingerprint(long value) implements StunAttribute {
    public static final int TYPE = AttributeType.FINGERPRINT;

    public Fingerprint {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("FINGERPRINT is an unsigned 32-bit value: " + value);
        }
    }

    /** The first Fingerprint in the message, if any. */
    public static Optional<Fingerprint> from(StunMessage msg) {
        return msg.first(Fingerprint.class);
    }

    static Fingerprint read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new Fingerprint(v.u32(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((int) value);
    }
}
