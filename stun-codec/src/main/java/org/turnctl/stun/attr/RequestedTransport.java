package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** REQUESTED-TRANSPORT (RFC 8656 section 18.7): the IP protocol number of the relay transport (17 UDP, 6 TCP for RFC 6062), then 24 RFFU bits. */
public record RequestedTransport(int protocol) implements StunAttribute {
    public static final int TYPE = AttributeType.REQUESTED_TRANSPORT;

    public static final int UDP = 17;
    public static final int TCP = 6;

    public RequestedTransport {
        if (protocol < 0 || protocol > 0xFF) {
            throw new IllegalArgumentException("protocol is 8 bits: " + protocol);
        }
    }

    /** The first RequestedTransport in the message, if any. */
    public static Optional<RequestedTransport> from(StunMessage msg) {
        return msg.first(RequestedTransport.class);
    }

    static RequestedTransport read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new RequestedTransport(v.u8(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeByte(protocol);
        out.writeMedium(0);
    }
}
