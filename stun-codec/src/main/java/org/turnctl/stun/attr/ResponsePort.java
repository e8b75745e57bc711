package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** RESPONSE-PORT (RFC 5780 section 7.5): the port the response should be sent to, then 2 bytes of padding. A value of length 2 (without the padding bytes) is accepted too. */
public record ResponsePort(int port) implements StunAttribute {
    public static final int TYPE = AttributeType.RESPONSE_PORT;

    public ResponsePort {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port is 16 bits: " + port);
        }
    }

    /** The first ResponsePort in the message, if any. */
    public static Optional<ResponsePort> from(StunMessage msg) {
        return msg.first(ResponsePort.class);
    }

    static ResponsePort read(AttributeValue v) throws StunDecodeException {
        if (v.length() != 2 && v.length() != 4) {
            throw v.error("length " + v.length() + ", expected 4");
        }
        return new ResponsePort(v.u16(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeShort(port);
        out.writeShort(0);
    }
}
