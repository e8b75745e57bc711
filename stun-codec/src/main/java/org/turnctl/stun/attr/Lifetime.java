package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** LIFETIME (RFC 8656 section 18.2): the allocation's lifetime in seconds, unsigned 32-bit. */
public record Lifetime(long seconds) implements StunAttribute {
    public static final int TYPE = AttributeType.LIFETIME;

    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("LIFETIME is an unsigned 32-bit value: " + seconds);
        }
    }

    /** The first Lifetime in the message, if any. */
    public static Optional<Lifetime> from(StunMessage msg) {
        return msg.first(Lifetime.class);
    }

    static Lifetime read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new Lifetime(v.u32(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((int) seconds);
    }
}
