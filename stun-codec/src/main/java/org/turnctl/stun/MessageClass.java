package org.turnctl.stun;

/** The two class bits of the STUN message type (RFC 8489 section 5). */
public enum MessageClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    private final int bits;

    MessageClass(int bits) {
        this.bits = bits;
    }

    /** The two-bit value: C1 is the high bit, C0 the low bit. */
    public int bits() {
        return bits;
    }

    public static MessageClass fromBits(int bits) {
        return values()[bits & 0b11];
    }

    public boolean isResponse() {
        return this == SUCCESS_RESPONSE || this == ERROR_RESPONSE;
    }
}
