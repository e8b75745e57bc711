package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;

/** ERROR-CODE (RFC 8489 section 14.8): class (3-6) and number (0-99) of a 300-699 code, and a UTF-8 reason phrase, which may be empty. */
public record ErrorCode(int code, String reason) implements StunAttribute {
    public static final int TYPE = AttributeType.ERROR_CODE;
    public static final int MAX_REASON_BYTES = 763;

    public ErrorCode {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code must be 300-699: " + code);
        }
        if (reason == null || reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("reason phrase must be at most " + MAX_REASON_BYTES + " bytes");
        }
    }

    public static ErrorCode of(int code) {
        return new ErrorCode(code, "");
    }

    /** The first ErrorCode in the message, if any. */
    public static Optional<ErrorCode> from(StunMessage msg) {
        return msg.first(ErrorCode.class);
    }

    static ErrorCode read(AttributeValue v) throws StunDecodeException {
        if (v.length() < 4) {
            throw v.error("length " + v.length() + ", expected at least 4");
        }
        int errorClass = v.u8(2) & 0x07;
        int number = v.u8(3);
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            throw v.error("invalid error class " + errorClass + " / number " + number);
        }
        return new ErrorCode(errorClass * 100 + number, v.utf8(4, MAX_REASON_BYTES));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void writeValue(ByteBuf out, TransactionId transactionId) {
        out.writeShort(0);
        out.writeByte(code / 100);
        out.writeByte(code % 100);
        out.writeBytes(reason.getBytes(StandardCharsets.UTF_8));
    }
}
