package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ICE-CONTROLLING (RFC 8445 section 16.1): the controlling agent's 64-bit tie-breaker. */
public record IceControlling(long tieBreaker) implements StunAttribute {
    public static final int TYPE = AttributeType.ICE_CONTROLLING;

    /** The first IceControlling in the message, if any. */
    public static Optional<IceControlling> from(StunMessage msg) {
        return msg.first(IceControlling.class);
    }

    static IceControlling read(AttributeValue v) throws StunDecodeException {
        v.expectLength(8);
        return new IceControlling(v.u64(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeLong(tieBreaker);
    }

    @Override
    public String toString() {
        return "IceControlling[tieBreaker=" + String.format("%016x", tieBreaker) + "]";
    }
}
