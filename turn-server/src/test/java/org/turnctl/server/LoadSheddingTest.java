package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.server.config.Shedding;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AlternateServer;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Integrity;

/**
 * --max-allocations and the drain: new Allocates get 300 Try Alternate with ALTERNATE-SERVER
 * (round robin, the client's family first, integrity-protected) or 508 without an alternate;
 * allocations there are go on.
 */
class LoadSheddingTest {
    private static final InetSocketAddress ALT_A = new InetSocketAddress("192.0.2.10", 3478);
    private static final InetSocketAddress ALT_B = new InetSocketAddress("192.0.2.11", 3478);
    private static final InetSocketAddress ALT_6 = new InetSocketAddress("2001:db8::10", 3478);
    private final TestServers recipe = new TestServers();
    private final List<AutoCloseable> closeMe = new ArrayList<>();
    private TurnServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(Shedding shedding) throws Exception {
        server = TurnServer.start(recipe.config().withShedding(shedding));
    }

    private TestClient client() throws Exception {
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        return c;
    }

    private static StunMessage allocate(TestClient c) throws Exception {
        return c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP));
    }

    private static Shedding.Alternate alt(InetSocketAddress a) {
        return new Shedding.Alternate(a.getAddress().getHostAddress(), a);
    }

    @Test
    void pastMaxAllocationsClientsAreSentToTheAlternatesInTurn() throws Exception {
        start(new Shedding(List.of(alt(ALT_6), alt(ALT_A), alt(ALT_B)), 1));
        TestClient first = client();
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(first).messageClass());
        List<InetSocketAddress> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestClient c = client();
            StunMessage r = allocate(c);
            assertEquals(300, TestClient.errorCode(r), r.toString());
            assertTrue(Integrity.verify(r, c.key()), "a client can trust where it is sent");
            sent.add(AlternateServer.from(r).orElseThrow().address());
        }
        assertEquals(List.of(ALT_A, ALT_B, ALT_A), sent, "IPv4 alternates for an IPv4 client, in turn");
        // Room again once the first one goes.
        assertEquals(MessageClass.SUCCESS_RESPONSE, first.request(Method.REFRESH, new Lifetime(0)).messageClass());
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(client()).messageClass());
    }

    @Test
    void aDrainSendsNewClientsOnAndLetsTheOthersGoOn() throws Exception {
        start(Shedding.NONE);
        TestClient staying = client();
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(staying).messageClass());
        server.drain();
        assertTrue(server.draining());
        assertEquals(508, TestClient.errorCode(allocate(client())), "no alternate: 508");
        assertEquals(MessageClass.SUCCESS_RESPONSE, staying.request(Method.CREATE_PERMISSION,
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))).messageClass());
        assertEquals(MessageClass.SUCCESS_RESPONSE, staying.request(Method.REFRESH, new Lifetime(600)).messageClass());
        assertEquals(1, server.allocationCount());
    }
}
