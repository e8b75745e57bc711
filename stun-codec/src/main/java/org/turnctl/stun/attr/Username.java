package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** USERNAME (RFC 8489 section 14.3). RFC 8489 allows fewer than 509 bytes; up to 512 are accepted, as RFC 5389 allowed. */
public record Username(String value) implements StunAttribute {
    public static final int TYPE = AttributeType.USERNAME;
    public static final int MAX_BYTES = 512;

    public Username {
        if (value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("USERNAME must be at most " + MAX_BYTES + " bytes of UTF-8");
        }
    }

    /** The first Username in the message, if any. */
    public static Optional<Username> from(StunMessage msg) {
        return msg.first(Username.class);
    }

    static Username read(AttributeValue v) throws StunDecodeException {
        return new Username(v.utf8(0, MAX_BYTES));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }
}
