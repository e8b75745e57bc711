package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** OTHER-ADDRESS (RFC 5780 section 7.4): the server's alternate address and port for behaviour discovery. */
public record OtherAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.OTHER_ADDRESS;

    public OtherAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first OtherAddress in the message, if any. */
    public static Optional<OtherAddress> from(StunMessage msg) {
        return msg.first(OtherAddress.class);
    }

    static OtherAddress read(AttributeValue v) throws StunDecodeException {
        return new OtherAddress(v.address(false));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        AddressFamily.write(out, address, false, transactionId);
    }
}
