package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.RequestedAddressFamily;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;

/**
 * A server with only an IPv6 relay address, as on an IPv6-only host: a browser's Allocate (no
 * REQUESTED-ADDRESS-FAMILY) gets an IPv6 relay, not the RFC default's 440; --strict-address-family
 * keeps the 440; an explicit family is honoured either way.
 */
class Ipv6OnlyTest {
    private static final InetAddress V6_LOOPBACK = loopback6();
    private final TestServers recipe = new TestServers();
    private final List<AutoCloseable> closeMe = new ArrayList<>();
    private TurnServer server;

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TestClient start(boolean strict) throws Exception {
        recipe.listen = new ArrayList<>(List.of(new InetSocketAddress(V6_LOOPBACK, 0)));
        recipe.relayIps = new ArrayList<>(List.of(V6_LOOPBACK));
        server = TurnServer.start(recipe.config().withStrictAddressFamily(strict));
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        return c;
    }

    private static StunMessage allocate(TestClient c, RequestedAddressFamily family) throws Exception {
        return family == null ? c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP))
                : c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP), family);
    }

    @Test
    void anAllocateWithoutAFamilyGetsIpv6AndRelays() throws Exception {
        TestClient c = start(false);
        StunMessage r = allocate(c, null);
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        InetSocketAddress relayed = XorRelayedAddress.from(r).orElseThrow().address();
        assertTrue(relayed.getAddress() instanceof Inet6Address, relayed.toString());
        assertEquals(V6_LOOPBACK, relayed.getAddress());

        // And it relays: a channel to a peer on ::1, both ways.
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(V6_LOOPBACK, 0))) {
            peer.setSoTimeout(TestClient.TIMEOUT_MS);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4000),
                    new XorPeerAddress(peerAddr)).messageClass());
            c.sendChannelData(0x4000, "from-client".getBytes());
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            peer.receive(in);
            assertEquals("from-client", new String(in.getData(), 0, in.getLength()));
            assertEquals(relayed.getPort(), in.getPort(), "from the relayed address");
            peer.send(new DatagramPacket("from-peer".getBytes(), 9, relayed));
            byte[] back = c.receiveRaw(TestClient.TIMEOUT_MS); // ChannelData: channel, length, payload
            assertEquals(0x4000, ((back[0] & 0xFF) << 8) | (back[1] & 0xFF));
            assertEquals("from-peer", new String(back, 4, ((back[2] & 0xFF) << 8) | (back[3] & 0xFF)));
        }
    }

    @Test
    void strictAddressFamilyKeepsTheRfcDefaultAnd440() throws Exception {
        TestClient c = start(true);
        assertEquals(440, TestClient.errorCode(allocate(c, null)));
    }

    @Test
    void anExplicitFamilyIsHonoured() throws Exception {
        TestClient c = start(false);
        assertEquals(440, TestClient.errorCode(allocate(c, new RequestedAddressFamily(AddressFamily.IPV4))), "IPv4 asked for: none here");
        StunMessage r = allocate(c, new RequestedAddressFamily(AddressFamily.IPV6));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass());
        assertTrue(XorRelayedAddress.from(r).orElseThrow().address().getAddress() instanceof Inet6Address);
    }

    @Test
    void aServerWithIpv4KeepsTheIpv4Default() throws Exception {
        recipe.relayIps = new ArrayList<>(List.of(InetAddress.getLoopbackAddress(), V6_LOOPBACK));
        server = TurnServer.start(recipe.config());
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        StunMessage r = allocate(c, null);
        assertEquals(Arrays.toString(InetAddress.getLoopbackAddress().getAddress()),
                Arrays.toString(XorRelayedAddress.from(r).orElseThrow().address().getAddress().getAddress()), "RFC 8656 7.2: IPv4");
    }
}
