package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** REFLECTED-FROM (RFC 3489 section 11.2.11): the requester's address when RESPONSE-ADDRESS was honoured. */
public record ReflectedFrom(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.REFLECTED_FROM;

    public ReflectedFrom {
        AddressFamily.checkAddress(address);
    }

    /** The first ReflectedFrom in the message, if any. */
    public static Optional<ReflectedFrom> from(StunMessage msg) {
        return msg.first(ReflectedFrom.class);
    }

    static ReflectedFrom read(AttributeValue v) throws StunDecodeException {
        return new ReflectedFrom(v.address(false));
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
