package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** PRIORITY (RFC 8445 section 16.1): the ICE candidate priority, unsigned 32-bit. */
public record Priority(long priority) implements StunAttribute {
    public static final int TYPE = AttributeType.PRIORITY;

    public Priority {
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("PRIORITY is an unsigned 32-bit value: " + priority);
        }
    }

    /** The first Priority in the message, if any. */
    public static Optional<Priority> from(StunMessage msg) {
        return msg.first(Priority.class);
    }

    static Priority read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new Priority(v.u32(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((int) priority);
    }
}
