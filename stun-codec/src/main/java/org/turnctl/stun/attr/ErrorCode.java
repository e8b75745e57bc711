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

    // The codes a STUN/TURN server sends (RFC 8489 section 14.8, RFC 8656 section 19).
    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHENTICATED = 401;
    public static final int FORBIDDEN = 403;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    public static final int ALLOCATION_MISMATCH = 437;
    public static final int STALE_NONCE = 438;
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int WRONG_CREDENTIALS = 441;
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    /** RFC 6062 section 6.3: a Connect to a peer the allocation already has a connection with. */
    public static final int CONNECTION_ALREADY_EXISTS = 446;
    /** RFC 6062 section 6.3: the server's connection to the peer failed or timed out. */
    public static final int CONNECTION_TIMEOUT_OR_FAILURE = 447;
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    public static final int SERVER_ERROR = 500;
    public static final int INSUFFICIENT_CAPACITY = 508;

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

    /** The RFC's reason phrase for a code, or "" for one it does not name. */
    public static String reasonPhrase(int code) {
        return switch (code) {
            case TRY_ALTERNATE -> "Try Alternate";
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHENTICATED -> "Unauthenticated";
            case FORBIDDEN -> "Forbidden";
            case UNKNOWN_ATTRIBUTE -> "Unknown Attribute";
            case ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case STALE_NONCE -> "Stale Nonce";
            case ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case WRONG_CREDENTIALS -> "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT_PROTOCOL -> "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case CONNECTION_ALREADY_EXISTS -> "Connection Already Exists";
            case CONNECTION_TIMEOUT_OR_FAILURE -> "Connection Timeout or Failure";
            case ALLOCATION_QUOTA_REACHED -> "Allocation Quota Reached";
            case SERVER_ERROR -> "Server Error";
            case INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            default -> "";
        };
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
