package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** PASSWORD-ALGORITHMS (RFC 8489 section 14.11): the algorithms a server offers in a 401, each with its parameters padded to 4 bytes. */
public record PasswordAlgorithms(List<PasswordAlgorithm> algorithms) implements StunAttribute {
    public static final int TYPE = AttributeType.PASSWORD_ALGORITHMS;

    public PasswordAlgorithms {
        algorithms = List.copyOf(algorithms);
    }

    /** The first PasswordAlgorithms in the message, if any. */
    public static Optional<PasswordAlgorithms> from(StunMessage msg) {
        return msg.first(PasswordAlgorithms.class);
    }

    static PasswordAlgorithms read(AttributeValue v) throws StunDecodeException {
        List<PasswordAlgorithm> list = new ArrayList<>();
        int at = 0;
        while (at < v.length()) {
            at = PasswordAlgorithm.readEntry(v, at, list);
        }
        if (at != v.length()) {
            throw v.error("last algorithm's parameters run past the end");
        }
        return new PasswordAlgorithms(list);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        for (PasswordAlgorithm a : algorithms) {
            a.writeEntry(out);
        }
    }
}
