package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** PASSWORD-ALGORITHM (RFC 8489 section 14.12): the algorithm the client chose for its long-term key; also the element of PASSWORD-ALGORITHMS. */
public record PasswordAlgorithm(int algorithm, Octets parameters) implements StunAttribute {
    public static final int TYPE = AttributeType.PASSWORD_ALGORITHM;

    public static final int MD5 = 0x0001;
    public static final int SHA256 = 0x0002;

    public PasswordAlgorithm {
        if (algorithm < 0 || algorithm > 0xFFFF) {
            throw new IllegalArgumentException("algorithm is 16 bits: " + algorithm);
        }
        if (parameters == null || parameters.length() > 0xFFFF) {
            throw new IllegalArgumentException("parameters are required and at most 65535 bytes");
        }
    }

    public static PasswordAlgorithm of(int algorithm) {
        return new PasswordAlgorithm(algorithm, Octets.EMPTY);
    }

    /** Reads one algorithm entry at {@code at}; returns the offset after its padded parameters. */
    static int readEntry(AttributeValue v, int at, List<PasswordAlgorithm> into) throws StunDecodeException {
        int algorithm = v.u16(at);
        int paramLength = v.u16(at + 2);
        Octets params = v.octets(at + 4, paramLength);
        into.add(new PasswordAlgorithm(algorithm, params));
        return at + 4 + ((paramLength + 3) & ~3);
    }

    void writeEntry(ByteBuf out) {
        out.writeShort(algorithm);
        out.writeShort(parameters.length());
        parameters.writeTo(out);
        out.writeZero((4 - (parameters.length() & 3)) & 3);
    }

    /** The first PasswordAlgorithm in the message, if any. */
    public static Optional<PasswordAlgorithm> from(StunMessage msg) {
        return msg.first(PasswordAlgorithm.class);
    }

    static PasswordAlgorithm read(AttributeValue v) throws StunDecodeException {
        int paramLength = v.u16(2);
        v.expectLength(4 + paramLength);
        return new PasswordAlgorithm(v.u16(0), v.octets(4, paramLength));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeShort(algorithm);
        out.writeShort(parameters.length());
        parameters.writeTo(out);
    }
}
