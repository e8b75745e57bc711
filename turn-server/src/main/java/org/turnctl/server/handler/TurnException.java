package org.turnctl.server.handler;

/**
 * A request failed with this STUN error code. Raised anywhere in a handler and turned into an
 * error response in one place ({@link RequestDispatcher}). No stack trace: these are answers,
 * not bugs.
 */
public class TurnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public TurnException(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** RFC 8489 section 14.8 and RFC 8656 section 19 reason phrases. */
    public static String defaultReason(int code) {
        return switch (code) {
            case 300 -> "Try Alternate";
            case 400 -> "Bad Request";
            case 401 -> "Unauthenticated";
            case 403 -> "Forbidden";
            case 420 -> "Unknown Attribute";
            case 437 -> "Allocation Mismatch";
            case 438 -> "Stale Nonce";
            case 440 -> "Address Family not Supported";
            case 441 -> "Wrong Credentials";
            case 442 -> "Unsupported Transport Protocol";
            case 443 -> "Peer Address Family Mismatch";
            case 486 -> "Allocation Quota Reached";
            case 500 -> "Server Error";
            case 508 -> "Insufficient Capacity";
            default -> "";
        };
    }
}
