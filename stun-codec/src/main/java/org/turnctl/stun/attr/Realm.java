package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** REALM (RFC 8489 section 14.9): fewer than 128 characters, up to 763 bytes when decoding. */
public record Realm(String value) implements StunAttribute {
    public static final int TYPE = AttributeType.REALM;
    public static final int MAX_BYTES = 763;

    public Realm {
        if (value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("REALM must be at most " + MAX_BYTES + " bytes of UTF-8");
        }
    }

    /** The first Realm in the message, if any. */
    public static Optional<Realm> from(StunMessage msg) {
        return msg.first(Realm.class);
    }

    static Realm read(AttributeValue v) throws StunDecodeException {
        return new Realm(v.utf8(0, MAX_BYTES));
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
