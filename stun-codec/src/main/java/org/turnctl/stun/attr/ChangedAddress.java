package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** CHANGED-ADDRESS (RFC 3489 section 11.2.3): the classic form of OTHER-ADDRESS. */
public record ChangedAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.CHANGED_ADDRESS;

    public ChangedAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first ChangedAddress in the message, if any. */
    public static Optional<ChangedAddress> from(StunMessage msg) {
        return msg.first(ChangedAddress.class);
    }

    static ChangedAddress read(AttributeValue v) throws StunDecodeException {
        return new ChangedAddress(v.address(false));
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
