package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** PADDING (RFC 5780 section 7.6): filler that makes a Binding request or response larger, to test fragmentation. Value ignored. */
public record Padding(Octets value) implements StunAttribute {
    public static final int TYPE = AttributeType.PADDING;

    public Padding {
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
    }

    public static Padding of(byte[] value) {
        return new Padding(Octets.of(value));
    }

    /** The first Padding in the message, if any. */
    public static Optional<Padding> from(StunMessage msg) {
        return msg.first(Padding.class);
    }

    static Padding read(AttributeValue v) throws StunDecodeException {
        return new Padding(v.octets());
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        value.writeTo(out);
    }
}
