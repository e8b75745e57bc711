package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ALTERNATE-DOMAIN (RFC 8489 section 14.16): the domain name for certificate checks after a 300. */
public record AlternateDomain(String value) implements StunAttribute {
    public static final int TYPE = AttributeType.ALTERNATE_DOMAIN;
    public static final int MAX_BYTES = 255;

    public AlternateDomain {
        if (value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("ALTERNATE-DOMAIN must be at most " + MAX_BYTES + " bytes of UTF-8");
        }
    }

    /** The first AlternateDomain in the message, if any. */
    public static Optional<AlternateDomain> from(StunMessage msg) {
        return msg.first(AlternateDomain.class);
    }

    static AlternateDomain read(AttributeValue v) throws StunDecodeException {
        return new AlternateDomain(v.utf8(0, MAX_BYTES));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }
}
