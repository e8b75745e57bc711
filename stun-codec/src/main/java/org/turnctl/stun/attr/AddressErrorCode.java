package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ADDRESS-ERROR-CODE (RFC 8656 section 18.11): why the server could not allocate a relayed address of one family in a dual-stack Allocate: family, 13 reserved bits, class, number, reason. */
public record AddressErrorCode(int family, int code, String reason) implements StunAttribute {
    public static final int TYPE = AttributeType.ADDRESS_ERROR_CODE;

    public AddressErrorCode {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("address family is 8 bits: " + family);
        }
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code must be 300-699: " + code);
        }
        if (reason == null || reason.getBytes(StandardCharsets.UTF_8).length > ErrorCode.MAX_REASON_BYTES) {
            throw new IllegalArgumentException("reason phrase must be at most " + ErrorCode.MAX_REASON_BYTES + " bytes");
        }
    }

    /** The first AddressErrorCode in the message, if any. */
    public static Optional<AddressErrorCode> from(StunMessage msg) {
        return msg.first(AddressErrorCode.class);
    }

    static AddressErrorCode read(AttributeValue v) throws StunDecodeException {
        if (v.length() < 4) {
            throw v.error("length " + v.length() + ", expected at least 4");
        }
        int errorClass = v.u8(2) & 0x07;
        int number = v.u8(3);
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            throw v.error("invalid error class " + errorClass + " / number " + number);
        }
        return new AddressErrorCode(v.u8(0), errorClass * 100 + number, v.utf8(4, ErrorCode.MAX_REASON_BYTES));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeByte(family);
        out.writeByte(0);
        out.writeByte(code / 100);
        out.writeByte(code % 100);
        out.writeBytes(reason.getBytes(StandardCharsets.UTF_8));
    }
}
