package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ICE-CONTROLLED (RFC 8445 section 16.1): the controlled agent's 64-bit tie-breaker. */
public record IceControlled(long tieBreaker) implements StunAttribute {
    public static final int TYPE = AttributeType.ICE_CONTROLLED;

    /** The first IceControlled in the message, if any. */
    public static Optional<IceControlled> from(StunMessage msg) {
        return msg.first(IceControlled.class);
    }

    static IceControlled read(AttributeValue v) throws StunDecodeException {
        v.expectLength(8);
        return new IceControlled(v.u64(0));
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
        return "IceControlled[tieBreaker=" + String.format("%016x", tieBreaker) + "]";
    }
}
