package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ALTERNATE-SERVER (RFC 8489 section 14.15): where a 300 (Try Alternate) sends the client. */
public record AlternateServer(InetSocketAddress address) implements StunAttribute {
    public static final int TYPE = AttributeType.ALTERNATE_SERVER;

    public AlternateServer {
        AddressFamily.checkAddress(address);
    }

    /** The first AlternateServer in the message, if any. */
    public static Optional<AlternateServer> from(StunMessage msg) {
        return msg.first(AlternateServer.class);
    }

    static AlternateServer read(AttributeValue v) throws StunDecodeException {
        return new AlternateServer(v.address(false));
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
