package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** MAPPED-ADDRESS (RFC 8489 section 14.1): the reflexive address, unobfuscated; sent to RFC 3489 clients. */
public record MappedAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.MAPPED_ADDRESS;

    public MappedAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first MappedAddress in the message, if any. */
    public static Optional<MappedAddress> from(StunMessage msg) {
        return msg.first(MappedAddress.class);
    }

    static MappedAddress read(AttributeValue v) throws StunDecodeException {
        return new MappedAddress(v.address(false));
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
