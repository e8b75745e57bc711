package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.StunCodec;

/** The peer policy as a client meets it: 403 and 443 from a real server on loopback. */
class PeerPolicyServerTest {
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
    }

    private TurnServer start(TestServers s) throws Exception {
        TurnServer server = s.start();
        closeMe.add(server);
        return server;
    }

    private TestClient client(TurnServer server) throws Exception {
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        StunMessage r = c.request(Method.ALLOCATE, new RequestedTransport(17));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        return c;
    }

    static InetSocketAddress peer(String ip) throws Exception {
        byte[] b = InetAddress.getByName(ip).getAddress();
        if (ip.contains(":") && b.length == 4) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xFF;
            m[11] = (byte) 0xFF;
            System.arraycopy(b, 0, m, 12, 4);
            return new InetSocketAddress(Inet6Address.getByAddress(null, m, -1), 9);
        }
        return new InetSocketAddress(InetAddress.getByAddress(b), 9);
    }

    private static int permission(TestClient c, String ip) throws Exception {
        return TestClient.errorCode(c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peer(ip))));
    }

    private static int channel(TestClient c, String ip) throws Exception {
        return TestClient.errorCode(c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4000), new XorPeerAddress(peer(ip))));
    }

    @Test
    void ipv4RelayByDefault() throws Exception {
        TestServers s = new TestServers();
        s.allowLoopback = false;
        TestClient c = client(start(s));
        for (String denied : List.of("127.0.0.1", "0.0.0.0", "169.254.169.254", "10.1.2.3", "192.168.0.1")) {
            assertEquals(403, permission(c, denied), denied);
            assertEquals(403, channel(c, denied), denied);
        }
        for (String v6 : List.of("::1", "2606:4700::1111", "::ffff:127.0.0.1")) {
            assertEquals(443, permission(c, v6), v6 + ": family is checked before policy");
        }
        assertEquals(0, permission(c, "8.8.8.8"), "a public peer is fine (no traffic is sent)");
        // All or nothing: one denied peer fails the whole request.
        StunMessage mixed = c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peer("8.8.4.4")),
                new XorPeerAddress(peer("127.0.0.1")));
        assertEquals(403, TestClient.errorCode(mixed));
    }

    @Test
    void allowLoopbackOpensLoopbackOnly() throws Exception {
        TurnServer server = start(new TestServers());
        TestClient c = client(server);
        assertEquals(0, permission(c, "127.0.0.1"));
        assertEquals(0, permission(c, "127.0.0.2"));
        for (String denied : List.of("0.0.0.0", "169.254.169.254", "10.0.0.1")) {
            assertEquals(403, permission(c, denied), denied);
        }
    }

    @Test
    void ipv6LoopbackRelayRefusesEveryLoopbackSpelling() throws Exception {
        TestServers s = new TestServers();
        s.allowLoopback = false;
        s.listen = new ArrayList<>(List.of(new InetSocketAddress(InetAddress.getByName("::1"), 0)));
        s.relayIps = new ArrayList<>(List.of(InetAddress.getByName("::1")));
        TurnServer server = start(s);
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        StunMessage r = c.request(Method.ALLOCATE, new RequestedTransport(17),
                new org.turnctl.stun.attr.RequestedAddressFamily(2));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        for (String denied : List.of("::1", "::ffff:127.0.0.1", "::127.0.0.1", "::", "fe80::1", "::ffff:169.254.169.254")) {
            assertEquals(403, permission(c, denied), denied);
        }
        assertEquals(443, permission(c, "127.0.0.1"));
    }

    @Test
    void relayToRelayOnOneServerWorksWithAPrivateRelayAddress() throws Exception {
        TestServers s = new TestServers();
        s.allowLoopback = false; // 127.0.0.1 is denied as a peer, but it is also our relay address
        TurnServer server = start(s);
        TestClient a = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        TestClient b = TestClient.udp(server.udpAddresses().get(0)).credentials("bob", "bob-pass");
        closeMe.add(a);
        closeMe.add(b);
        InetSocketAddress relayA = XorRelayedAddress.from(a.request(Method.ALLOCATE, new RequestedTransport(17))).orElseThrow().address();
        InetSocketAddress relayB = XorRelayedAddress.from(b.request(Method.ALLOCATE, new RequestedTransport(17))).orElseThrow().address();
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                a.request(Method.CHANNEL_BIND, new ChannelNumber(0x4001), new XorPeerAddress(relayB)).messageClass());
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                b.request(Method.CREATE_PERMISSION, new XorPeerAddress(relayA)).messageClass());
        a.sendChannelData(0x4001, "through two relays".getBytes());
        StunMessage data = StunCodec.decode(b.receiveRaw(TestClient.TIMEOUT_MS));
        assertEquals(relayA, XorPeerAddress.from(data).orElseThrow().address());
        assertArrayEquals("through two relays".getBytes(), Data.from(data).orElseThrow().value().toByteArray());
        assertEquals(403, permission(a, "127.0.0.1"), "other loopback ports stay denied");
        // The relay-only permission for 127.0.0.1 does not let a Send reach a non-relay port.
        java.net.DatagramSocket other = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
        closeMe.add(other);
        other.setSoTimeout(300);
        a.sendRaw(TurnServerTest.encode(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress((InetSocketAddress) other.getLocalSocketAddress()))
                .add(Data.of(new byte[] {1})).build()));
        // A round trip on the control path shows the Send was processed before we look.
        a.send(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), org.turnctl.stun.codec.Protection.NONE);
        org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class,
                () -> other.receive(new DatagramPacket(new byte[8], 8)));
    }
}
