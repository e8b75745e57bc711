package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** XOR-MAPPED-ADDRESS (RFC 8489 section 14.2): the reflexive transport address, XOR-ed with the magic cookie and transaction id. */
public record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.XOR_MAPPED_ADDRESS;

    public XorMappedAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first XorMappedAddress in the message, if any. */
    public static Optional<XorMappedAddress> from(StunMessage msg) {
        return msg.first(XorMappedAddress.class);
    }

    static XorMappedAddress read(AttributeValue v) throws StunDecodeException {
        return new XorMappedAddress(v.address(true));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        AddressFamily.write(out, address, true, transactionId);
    }
}
