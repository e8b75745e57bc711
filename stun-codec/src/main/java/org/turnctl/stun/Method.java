package org.turnctl.stun;

/**
 * A STUN method: a 12-bit number. Known methods have names; unknown ones are still
 * representable so that a server can answer them (RFC 8489 section 6.3.1: 400).
 */
public record Method(int code) {
    public static final Method BINDING = new Method(0x001);
    /** RFC 8656. */
    public static final Method ALLOCATE = new Method(0x003);
    public static final Method REFRESH = new Method(0x004);
    public static final Method SEND = new Method(0x006);
    public static final Method DATA = new Method(0x007);
    public static final Method CREATE_PERMISSION = new Method(0x008);
    public static final Method CHANNEL_BIND = new Method(0x009);
    /** RFC 6062. */
    public static final Method CONNECT = new Method(0x00A);
    public static final Method CONNECTION_BIND = new Method(0x00B);
    public static final Method CONNECTION_ATTEMPT = new Method(0x00C);

    public Method {
        if (code < 0 || code > 0xFFF) {
            throw new IllegalArgumentException("STUN method out of range: " + code);
        }
    }

    public static Method of(int code) {
        return switch (code) {
            case 0x001 -> BINDING;
            case 0x003 -> ALLOCATE;
            case 0x004 -> REFRESH;
            case 0x006 -> SEND;
            case 0x007 -> DATA;
            case 0x008 -> CREATE_PERMISSION;
            case 0x009 -> CHANNEL_BIND;
            case 0x00A -> CONNECT;
            case 0x00B -> CONNECTION_BIND;
            case 0x00C -> CONNECTION_ATTEMPT;
            default -> new Method(code);
        };
    }

    public String name() {
        return switch (code) {
            case 0x001 -> "Binding";
            case 0x003 -> "Allocate";
            case 0x004 -> "Refresh";
            case 0x006 -> "Send";
            case 0x007 -> "Data";
            case 0x008 -> "CreatePermission";
            case 0x009 -> "ChannelBind";
            case 0x00A -> "Connect";
            case 0x00B -> "ConnectionBind";
            case 0x00C -> "ConnectionAttempt";
            default -> String.format("Method(0x%03x)", code);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
