package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** CHANGE-REQUEST (RFC 5780 section 7.2): asks the server to answer from its other IP address (A bit) and/or other port (B bit). */
public record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {
    public static final int TYPE = AttributeType.CHANGE_REQUEST;

    /** The first ChangeRequest in the message, if any. */
    public static Optional<ChangeRequest> from(StunMessage msg) {
        return msg.first(ChangeRequest.class);
    }

    static ChangeRequest read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        long flags = v.u32(0);
        return new ChangeRequest((flags & 0x4) != 0, (flags & 0x2) != 0);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((changeIp ? 0x4 : 0) | (changePort ? 0x2 : 0));
    }
}
