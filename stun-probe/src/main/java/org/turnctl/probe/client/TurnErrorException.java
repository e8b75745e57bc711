package org.turnctl.probe.client;

import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ErrorCode;

/** The server answered a request with an error response. */
public final class TurnErrorException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String method;
    private final boolean afterAuthentication;

    public TurnErrorException(StunMessage response, boolean afterAuthentication) {
        super(describe(response), null, false, false);
        this.code = ErrorCode.from(response).map(ErrorCode::code).orElse(0);
        this.method = response.method().name();
        this.afterAuthentication = afterAuthentication;
    }

    private static String describe(StunMessage r) {
        ErrorCode e = ErrorCode.from(r).orElse(null);
        return r.method().name() + " failed: " + (e == null ? "error response without ERROR-CODE"
                : e.code() + (e.reason().isEmpty() ? "" : " " + e.reason()));
    }

    public int code() {
        return code;
    }

    public String method() {
        return method;
    }

    /** True when the error came to a request that carried credentials (so a 401 means "rejected"). */
    public boolean afterAuthentication() {
        return afterAuthentication;
    }
}
