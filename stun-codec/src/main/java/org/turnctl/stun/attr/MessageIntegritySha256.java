package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6): HMAC-SHA256, possibly truncated to 16-32 bytes in multiples of 4. */
public record MessageIntegritySha256(Octets value) implements StunAttribute {
    public static final int TYPE = AttributeType.MESSAGE_INTEGRITY_SHA256;

    public MessageIntegritySha256 {
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
        if (value.length() < 16 || value.length() > 32 || value.length() % 4 != 0) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 is 16 to 32 bytes in multiples of 4, not " + value.length());
        }
    }

    public static MessageIntegritySha256 of(byte[] value) {
        return new MessageIntegritySha256(Octets.of(value));
    }

    /** The first MessageIntegritySha256 in the message, if any. */
    public static Optional<MessageIntegritySha256> from(StunMessage msg) {
        return msg.first(MessageIntegritySha256.class);
    }

    static MessageIntegritySha256 read(AttributeValue v) throws StunDecodeException {
        if (v.length() < 16 || v.length() > 32 || v.length() % 4 != 0) {
            throw v.error("length " + v.length() + ", expected 16 to 32 in multiples of 4");
        }
        return new MessageIntegritySha256(v.octets());
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
