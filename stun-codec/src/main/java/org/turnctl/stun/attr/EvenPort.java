package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** EVEN-PORT (RFC 8656 section 18.8): asks for an even relay port; with the R bit, also reserve the next port up and return a RESERVATION-TOKEN. One byte long. */
public record EvenPort(boolean reserveNext) implements StunAttribute {
    public static final int TYPE = AttributeType.EVEN_PORT;

    /** The first EvenPort in the message, if any. */
    public static Optional<EvenPort> from(StunMessage msg) {
        return msg.first(EvenPort.class);
    }

    static EvenPort read(AttributeValue v) throws StunDecodeException {
        v.expectLength(1);
        return new EvenPort((v.u8(0) & 0x80) != 0);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeByte(reserveNext ? 0x80 : 0);
    }
}
