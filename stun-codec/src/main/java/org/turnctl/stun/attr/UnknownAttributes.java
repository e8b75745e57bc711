package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** UNKNOWN-ATTRIBUTES (RFC 8489 section 14.9): the comprehension-required attribute types a 420 response did not understand. */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {
    public static final int TYPE = AttributeType.UNKNOWN_ATTRIBUTES;

    public UnknownAttributes {
        types = List.copyOf(types);
        for (int t : types) {
            if (t < 0 || t > 0xFFFF) {
                throw new IllegalArgumentException("attribute type is 16 bits: " + t);
            }
        }
    }

    /** The first UnknownAttributes in the message, if any. */
    public static Optional<UnknownAttributes> from(StunMessage msg) {
        return msg.first(UnknownAttributes.class);
    }

    static UnknownAttributes read(AttributeValue v) throws StunDecodeException {
        if (v.length() % 2 != 0) {
            throw v.error("length " + v.length() + " is not a multiple of 2");
        }
        List<Integer> types = new ArrayList<>(v.length() / 2);
        for (int i = 0; i < v.length(); i += 2) {
            types.add(v.u16(i));
        }
        return new UnknownAttributes(types);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        for (int t : types) {
            out.writeShort(t);
        }
    }
}
