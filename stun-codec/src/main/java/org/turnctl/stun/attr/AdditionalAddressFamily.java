package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 section 18.10): asks for a second relayed address of this family (only IPv6 is allowed), then 24 RFFU bits. */
public record AdditionalAddressFamily(int family) implements StunAttribute {
    public static final int TYPE = AttributeType.ADDITIONAL_ADDRESS_FAMILY;

    public AdditionalAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("address family is 8 bits: " + family);
        }
    }

    /** The first AdditionalAddressFamily in the message, if any. */
    public static Optional<AdditionalAddressFamily> from(StunMessage msg) {
        return msg.first(AdditionalAddressFamily.class);
    }

    static AdditionalAddressFamily read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new AdditionalAddressFamily(v.u8(0));
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
