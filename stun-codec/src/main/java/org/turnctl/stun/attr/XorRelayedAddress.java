package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** XOR-RELAYED-ADDRESS (RFC 8656 section 18.5): the relayed transport address; one per family in a dual allocation. */
public record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.XOR_RELAYED_ADDRESS;

    public XorRelayedAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first XorRelayedAddress in the message, if any. */
    public static Optional<XorRelayedAddress> from(StunMessage msg) {
        return msg.first(XorRelayedAddress.class);
    }

    /** Every XorRelayedAddress in the message, in order (the attribute is repeatable). */
    public static List<XorRelayedAddress> allFrom(StunMessage msg) {
        return msg.all(XorRelayedAddress.class);
    }

    static XorRelayedAddress read(AttributeValue v) throws StunDecodeException {
        return new XorRelayedAddress(v.address(true));
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
