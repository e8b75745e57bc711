package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.Integrity;

/** SIGHUP semantics: credentials and policy change, other allocations stay. */
class ReloadTest {
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void reloadDeletesRemovedUsersAndRevokesNowDeniedPeersOnly() throws Exception {
        TestServers s = new TestServers();
        server = s.start();
        try (TestClient alice = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
                TestClient bob = TestClient.udp(server.udpAddresses().get(0)).credentials("bob", "bob-pass");
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(300);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            InetSocketAddress aliceRelay = XorRelayedAddress.from(alice.request(Method.ALLOCATE, new RequestedTransport(17)))
                    .orElseThrow().address();
            assertEquals(MessageClass.SUCCESS_RESPONSE, bob.request(Method.ALLOCATE, new RequestedTransport(17)).messageClass());
            assertEquals(MessageClass.SUCCESS_RESPONSE,
                    alice.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr)).messageClass());
            assertEquals(2, server.allocationCount());

            // New configuration: bob removed, carol added, loopback peers no longer allowed.
            s.users.remove("bob");
            s.users.put("carol", Integrity.longTermKeyMd5("carol", TestServers.REALM, "carol-pass"));
            s.allowLoopback = false;
            String summary = server.reload(s.config());
            assertTrue(summary.contains("users +1 -1"), summary);
            assertTrue(summary.contains("deleted 1 allocation"), summary);
            assertTrue(summary.contains("revoked 1 permission"), summary);

            assertEquals(1, server.allocationCount(), "bob's allocation is gone, alice's stays");
            assertEquals(MessageClass.SUCCESS_RESPONSE, alice.request(Method.REFRESH, new Lifetime(600)).messageClass());
            assertEquals(401, TestClient.errorCode(bob.request(Method.REFRESH)), "bob is no longer a user");
            // alice's permission to the (now denied) loopback peer was revoked: data is dropped.
            peer.send(new DatagramPacket(new byte[] {1}, 1, aliceRelay));
            assertEquals(403, TestClient.errorCode(alice.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr))));
            try (TestClient carol = TestClient.udp(server.udpAddresses().get(0)).credentials("carol", "carol-pass")) {
                assertEquals(MessageClass.SUCCESS_RESPONSE,
                        carol.request(Method.ALLOCATE, new RequestedTransport(17)).messageClass());
            }
            byte[] got = alice.receiveRaw(300);
            assertEquals(null, got, "nothing from the revoked peer reached alice");
        }
    }
}
