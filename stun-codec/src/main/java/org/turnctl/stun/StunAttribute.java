package org.turnctl.stun;

import io.netty.buffer.ByteBuf;

/**
 * One STUN attribute value, immutable. Implementations are small records, one per attribute
 * type; each has a static {@code from(StunMessage)} that finds it in a decoded message.
 */
public interface StunAttribute {

    /** The 16-bit attribute type. */
    int type();

    /**
     * Writes the value (not the type/length header, not the padding). The transaction id is
     * needed by the XOR-encoded addresses.
     */
    void writeValue(ByteBuf out, TransactionId transactionId);
}
