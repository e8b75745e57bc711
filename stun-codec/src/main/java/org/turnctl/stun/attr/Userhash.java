package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** USERHASH (RFC 8489 section 14.4): SHA-256(username ":" realm), sent instead of USERNAME for anonymity. */
public record Userhash(Octets value) implements StunAttribute {
    public static final int TYPE = AttributeType.USERHASH;

    public Userhash {
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
        if (value.length() != 32) {
            throw new IllegalArgumentException("USERHASH is 32 bytes, not " + value.length());
        }
    }

    public static Userhash of(byte[] value) {
        return new Userhash(Octets.of(value));
    }

    /** The first Userhash in the message, if any. */
    public static Optional<Userhash> from(StunMessage msg) {
        return msg.first(Userhash.class);
    }

    static Userhash read(AttributeValue v) throws StunDecodeException {
        v.expectLength(32);
        return new Userhash(v.octets());
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
