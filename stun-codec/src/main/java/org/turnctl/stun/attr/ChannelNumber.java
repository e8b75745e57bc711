package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** CHANNEL-NUMBER (RFC 8656 section 18.1): a 16-bit channel number followed by 16 RFFU bits. Any 16-bit value decodes; the server decides which are valid (0x4000-0x7FFF by default, 0x4000-0x4FFF strictly). */
public record ChannelNumber(int number) implements StunAttribute {
    public static final int TYPE = AttributeType.CHANNEL_NUMBER;

    public ChannelNumber {
        if (number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("channel number is 16 bits: " + number);
        }
    }

    /** The first ChannelNumber in the message, if any. */
    public static Optional<ChannelNumber> from(StunMessage msg) {
        return msg.first(ChannelNumber.class);
    }

    static ChannelNumber read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new ChannelNumber(v.u16(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeShort(number);
        out.writeShort(0);
    }
}
