package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** MESSAGE-INTEGRITY (RFC 8489 section 14.5): HMAC-SHA1 over the message up to this attribute. Compute and verify with {@link org.turnctl.stun.Integrity}. */
public record MessageIntegrity(Octets value) implements StunAttribute {
    public static final int TYPE = AttributeType.MESSAGE_INTEGRITY;

    public MessageIntegrity {
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
        if (value.length() != 20) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY is 20 bytes, not " + value.length());
        }
    }

    public static MessageIntegrity of(byte[] value) {
        return new MessageIntegrity(Octets.of(value));
    }

    /** The first MessageIntegrity in the message, if any. */
    public static Optional<MessageIntegrity> from(StunMessage msg) {
        return msg.first(MessageIntegrity.class);
    }

    static MessageIntegrity read(AttributeValue v) throws StunDecodeException {
        v.expectLength(20);
        return new MessageIntegrity(v.octets());
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
