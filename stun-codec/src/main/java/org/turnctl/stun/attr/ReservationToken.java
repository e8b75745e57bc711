package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** RESERVATION-TOKEN (RFC 8656 section 18.9): 8 opaque bytes naming a relay port the server holds for a later Allocate. */
public record ReservationToken(long token) implements StunAttribute {
    public static final int TYPE = AttributeType.RESERVATION_TOKEN;

    /** The first ReservationToken in the message, if any. */
    public static Optional<ReservationToken> from(StunMessage msg) {
        return msg.first(ReservationToken.class);
    }

    static ReservationToken read(AttributeValue v) throws StunDecodeException {
        v.expectLength(8);
        return new ReservationToken(v.u64(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeLong(token);
    }

    @Override
    public String toString() {
        return "ReservationToken[token=" + String.format("%016x", token) + "]";
    }
}
