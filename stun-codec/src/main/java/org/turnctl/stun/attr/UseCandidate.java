package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** USE-CANDIDATE (RFC 8445 section 16.1): the controlling agent nominates this pair. No value. */
public record UseCandidate() implements StunAttribute {
    public static final int TYPE = AttributeType.USE_CANDIDATE;
    public static final UseCandidate INSTANCE = new UseCandidate();

    /** The first UseCandidate in the message, if any. */
    public static Optional<UseCandidate> from(StunMessage msg) {
        return msg.first(UseCandidate.class);
    }

    static UseCandidate read(AttributeValue v) throws StunDecodeException {
        v.expectLength(0);
        return INSTANCE;
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        // no value
    }
}
