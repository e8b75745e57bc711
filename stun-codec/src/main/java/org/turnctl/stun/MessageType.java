package org.turnctl.stun;

/**
 * Method and class, and their interleaving into the 14-bit message type field
 * (RFC 8489 section 5): M11..M7 C1 M6..M4 C0 M3..M0.
 */
public record MessageType(Method method, MessageClass messageClass) {

    public static final MessageType BINDING_REQUEST = new MessageType(Method.BINDING, MessageClass.REQUEST);
    public static final MessageType BINDING_SUCCESS = new MessageType(Method.BINDING, MessageClass.SUCCESS_RESPONSE);

    public MessageType {
        if (method == null || messageClass == null) {
            throw new IllegalArgumentException("method and class are required");
        }
    }

    public static MessageType of(Method method, MessageClass messageClass) {
        return new MessageType(method, messageClass);
    }

    /** The 16-bit value of the first two header bytes (the top two bits are zero). */
    public int toWire() {
        int m = method.code();
        int c = messageClass.bits();
        return (m & 0x000F) | ((c & 0b01) << 4) | ((m & 0x0070) << 1) | ((c & 0b10) << 7) | ((m & 0x0F80) << 2);
    }

    /** Decodes the 14 low bits of the first two header bytes; the top two bits are ignored. */
    public static MessageType fromWire(int value) {
        int m = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        int c = ((value & 0x0010) >> 4) | ((value & 0x0100) >> 7);
        return new MessageType(Method.of(m), MessageClass.fromBits(c));
    }

    /** The response type for this request's method. */
    public MessageType success() {
        return new MessageType(method, MessageClass.SUCCESS_RESPONSE);
    }

    public MessageType error() {
        return new MessageType(method, MessageClass.ERROR_RESPONSE);
    }

    @Override
    public String toString() {
        return method.name() + " " + switch (messageClass) {
            case REQUEST -> "request";
            case INDICATION -> "indication";
            case SUCCESS_RESPONSE -> "success response";
            case ERROR_RESPONSE -> "error response";
        };
    }
}
