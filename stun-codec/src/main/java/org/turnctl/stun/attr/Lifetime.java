package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** LIFETIME (RFC 8656 section 18.2): the allocation's lifetime in seconds, unsigned 32-bit. */
public record Lifetime(long seconds) implements StunAttribute {
    public static final int TYPE = AttributeType.LIFETIME;
    /** RFC 8656 section 7.2: an allocation lives at least this long (and by default exactly this). */
    public static final long DEFAULT_ALLOCATION_SECONDS = 600;
    /** RFC 8656 section 9: "The Permission Lifetime MUST be 300 seconds". */
    public static final long PERMISSION_SECONDS = 300;
    /** RFC 8656 section 12: a channel binding lasts 10 minutes unless refreshed. */
    public static final long CHANNEL_SECONDS = 600;

    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("LIFETIME is an unsigned 32-bit value: " + seconds);
        }
    }

    /** The first Lifetime in the message, if any. */
    public static Optional<Lifetime> from(StunMessage msg) {
        return msg.first(Lifetime.class);
    }

    static Lifetime read(AttributeValue v) throws StunDecodeException {
        v.expectLength(4);
        return new Lifetime(v.u32(0));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeInt((int) seconds);
    }
}
