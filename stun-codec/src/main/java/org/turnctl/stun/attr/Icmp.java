package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ICMP (RFC 8656 section 18.13): an ICMP error the relay received for a peer, carried in a Data indication: 16 reserved bits, 7-bit type, 9-bit code, 32-bit error data (the MTU for "packet too big"). */
public record Icmp(int icmpType, int icmpCode, long errorData) implements StunAttribute {
    public static final int TYPE = AttributeType.ICMP;

    public Icmp {
        if (icmpType < 0 || icmpType > 0x7F || icmpCode < 0 || icmpCode > 0x1FF) {
            throw new IllegalArgumentException("ICMP type is 7 bits and code 9 bits: " + icmpType + "/" + icmpCode);
        }
        if (errorData < 0 || errorData > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ICMP error data is an unsigned 32-bit value");
        }
    }

    /** The first Icmp in the message, if any. */
    public static Optional<Icmp> from(StunMessage msg) {
        return msg.first(Icmp.class);
    }

    static Icmp read(AttributeValue v) throws StunDecodeException {
        v.expectLength(8);
        int typeAndCode = v.u16(2);
        return new Icmp(typeAndCode >>> 9, typeAndCode & 0x1FF, v.u32(4));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeShort(0);
        out.writeShort((icmpType << 9) | icmpCode);
        out.writeInt((int) errorData);
    }
}
