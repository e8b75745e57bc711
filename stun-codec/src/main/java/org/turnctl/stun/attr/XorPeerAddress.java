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

/** XOR-PEER-ADDRESS (RFC 8656 section 18.3): a peer's address as the server sees it; repeatable in CreatePermission. */
public record XorPeerAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.XOR_PEER_ADDRESS;

    public XorPeerAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first XorPeerAddress in the message, if any. */
    public static Optional<XorPeerAddress> from(StunMessage msg) {
        return msg.first(XorPeerAddress.class);
    }

    /** Every XorPeerAddress in the message, in order (the attribute is repeatable). */
    public static List<XorPeerAddress> allFrom(StunMessage msg) {
        return msg.all(XorPeerAddress.class);
    }

    static XorPeerAddress read(AttributeValue v) throws StunDecodeException {
        return new XorPeerAddress(v.address(true));
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
