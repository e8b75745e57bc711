package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** RESPONSE-ORIGIN (RFC 5780 section 7.3): the address the response was sent from. */
public record ResponseOrigin(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.RESPONSE_ORIGIN;

    public ResponseOrigin {
        AddressFamily.checkAddress(address);
    }

    /** The first ResponseOrigin in the message, if any. */
    public static Optional<ResponseOrigin> from(StunMessage msg) {
        return msg.first(ResponseOrigin.class);
    }

    static ResponseOrigin read(AttributeValue v) throws StunDecodeException {
        return new ResponseOrigin(v.address(false));
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
