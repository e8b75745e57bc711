package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** DATA (RFC 8656 section 18.4): the application data of a Send or Data indication. The relay's data path reads it in place; this record is for the control path and tests. */
public record Data(Octets value) implements StunAttribute {
    public static final int TYPE = AttributeType.DATA;

    public Data {
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
    }

    public static Data of(byte[] value) {
        return new Data(Octets.of(value));
    }

    /** The first Data in the message, if any. */
    public static Optional<Data> from(StunMessage msg) {
        return msg.first(Data.class);
    }

    static Data read(AttributeValue v) throws StunDecodeException {
        return new Data(v.octets());
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
