package org.turnctl.probe.client;

import java.io.IOException;

/** No answer within the transaction timeout (after every retransmission, over UDP). */
public final class StunTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public StunTimeoutException(String message) {
        super(message);
    }
}
