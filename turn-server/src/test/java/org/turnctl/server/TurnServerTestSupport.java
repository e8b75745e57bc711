package org.turnctl.server;

import org.turnctl.stun.StunMessage;

final class TurnServerTestSupport {
    private TurnServerTestSupport() {
    }

    static int code(StunMessage m) {
        return TestClient.errorCode(m);
    }
}
