package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** SOURCE-ADDRESS (RFC 3489 section 11.2.5): the classic form of RESPONSE-ORIGIN. */
public record SourceAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.SOURCE_ADDRESS;

    public SourceAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first SourceAddress in the message, if any. */
    public static Optional<SourceAddress> from(StunMessage msg) {
        return msg.first(SourceAddress.class);
    }

    static SourceAddress read(AttributeValue v) throws StunDecodeException {
        return new SourceAddress(v.address(false));
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
