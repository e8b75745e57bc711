package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** DONT-FRAGMENT (RFC 8656 section 18.8): asks the server to set the DF bit on relayed IPv4 packets. No value. */
public record DontFragment() implements StunAttribute {
    public static final int TYPE = AttributeType.DONT_FRAGMENT;
    public static final DontFragment INSTANCE = new DontFragment();

    /** The first DontFragment in the message, if any. */
    public static Optional<DontFragment> from(StunMessage msg) {
        return msg.first(DontFragment.class);
    }

    static DontFragment read(AttributeValue v) throws StunDecodeException {
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
