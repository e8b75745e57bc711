package org.turnctl.server.handler;

import org.turnctl.stun.attr.ErrorCode;

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

    /** The RFC's reason phrase (RFC 8489 section 14.8, RFC 8656 section 19). */
    public static String defaultReason(int code) {
        return ErrorCode.reasonPhrase(code);
    }
}
