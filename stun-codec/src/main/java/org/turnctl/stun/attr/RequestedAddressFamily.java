package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** REQUESTED-ADDRESS-FAMILY (RFC 8656 section 18.6): the family of the relayed address wanted (0x01 IPv4, 0x02 IPv6), then 24 RFFU bits. Other values decode, so that the server can answer 440. */
public record RequestedAddressFamily(int family) implements StunAttribute {
    public static final int TYPE = AttributeType.REQUESTED_ADDRESS_FAMILY;

    public RequestedAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("address family is 8 bits: " + family);
        }
    }

    /** The first RequestedAddressFamily in the message, if any. */
    public static Optional<RequestedAddressFamily> from(StunMessage msg) {
        return msg.first(RequestedAddressFamily.class);
    }

    static RequestedAddressFamily read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new RequestedAddressFamily(v.u8(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeByte(family);
        out.writeMedium(0);
    }
}
