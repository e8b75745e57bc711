package org.turnctl.stun;

import io.netty.buffer.ByteBuf;

/**
 * An attribute this codec does not know, kept raw. When its type is comprehension-required
 * (below 0x8000) a request carrying it must be answered with a 420 listing it.
 */
public record UnknownAttribute(int type, Octets value) implements StunAttribute {

    public UnknownAttribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("attribute type is 16 bits: " + type);
        }
        if (value == null || value.length() > 0xFFFF) {
            throw new IllegalArgumentException("value is required and at most 65535 bytes");
        }
    }

    public boolean isComprehensionRequired() {
        return AttributeType.isComprehensionRequired(type);
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        value.writeTo(out);
    }

    @Override
    public String toString() {
        return "UnknownAttribute[" + AttributeType.name(type) + "=" + value + "]";
    }
}
