package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** CONNECTION-ID (RFC 6062 section 6.2.1): identifies a TCP peer connection. */
public record ConnectionId(long id) implements StunAttribute {
    public static final int TYPE = AttributeType.CONNECTION_ID;

    public ConnectionId {
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("CONNECTION-ID is an unsigned 32-bit value: " + id);
        }
    }

    /** The first ConnectionId in the message, if any. */
    public static Optional<ConnectionId> from(StunMessage msg) {
        return msg.first(ConnectionId.class);
    }

    static ConnectionId read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new ConnectionId(v.u32(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((int) id);
    }
}
