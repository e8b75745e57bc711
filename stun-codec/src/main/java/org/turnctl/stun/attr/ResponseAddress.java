package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** RESPONSE-ADDRESS (RFC 3489 section 11.2.2): where a classic client asked the response to go. Decoded so that it can be refused; never honoured, since it would reflect traffic at third parties. */
public record ResponseAddress(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.RESPONSE_ADDRESS;

    public ResponseAddress {
        AddressFamily.checkAddress(address);
    }

    /** The first ResponseAddress in the message, if any. */
    public static Optional<ResponseAddress> from(StunMessage msg) {
        return msg.first(ResponseAddress.class);
    }

    static ResponseAddress read(AttributeValue v) throws StunDecodeException {
        return new ResponseAddress(v.address(false));
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
