package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedTransport;

/** A silent TCP connection without an allocation is closed; one with an allocation is not (surefire sets 1 s). */
class TcpIdleTest {
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void idleConnectionWithoutAllocationIsClosed() throws Exception {
        assertEquals(1, TurnServer.TCP_IDLE_SECONDS, "run through surefire, which sets turnctl.tcpIdleSeconds=1");
        server = new TestServers().start();
        try (Socket s = new Socket()) {
            s.connect(server.tcpAddresses().get(0), 3000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "the server closed the silent connection");
        }
    }

    @Test
    void idleConnectionWithAllocationStays() throws Exception {
        server = new TestServers().start();
        try (TestClient c = TestClient.tcp(server.tcpAddresses().get(0)).credentials("alice", "alice-pass")) {
            assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.ALLOCATE, new RequestedTransport(17)).messageClass());
            // Stay silent for more than the idle time: nothing arrives and the connection is not closed.
            assertThrows(SocketTimeoutException.class, () -> {
                byte[] r = c.receiveRaw(2500);
                if (r == null) {
                    throw new SocketTimeoutException("silent, as expected");
                }
            });
            assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(600)).messageClass());
            assertEquals(1, server.allocationCount());
        }
    }
}
