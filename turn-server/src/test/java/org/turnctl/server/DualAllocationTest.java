package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.AdditionalAddressFamily;
import org.turnctl.stun.attr.AddressErrorCode;
import org.turnctl.stun.attr.AddressFamily;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.RequestedAddressFamily;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** RFC 8656 section 7.2's dual allocation over real loopback sockets, both families relaying. */
class DualAllocationTest {
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

    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    private double active(String family) {
        return registry.get("turn_allocations_active").tag("transport", "udp").tag("family", family).gauge().value();
    }

    private TestClient start(InetAddress... relayIps) throws Exception {
        recipe.relayIps = new ArrayList<>(List.of(relayIps));
        server = TurnServer.start(recipe.config(), new org.turnctl.server.metrics.MicrometerTurnMetrics(registry, () -> 0));
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
        closeMe.add(c);
        return c;
    }

    private DatagramSocket peer(String ip) throws Exception {
        DatagramSocket p = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
        p.setSoTimeout(TestClient.TIMEOUT_MS);
        closeMe.add(p);
        return p;
    }

    private static StunMessage dualAllocate(TestClient c) throws Exception {
        return c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP), new AdditionalAddressFamily(AddressFamily.IPV6));
    }

    /** Send indication out through the relay of the peer's family, and the peer's answer back as a Data indication. */
    private static void roundTrip(TestClient c, DatagramSocket p, InetSocketAddress relay) throws Exception {
        InetSocketAddress peerAddr = (InetSocketAddress) p.getLocalSocketAddress();
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr)).messageClass());
        byte[] hello = ("hello " + peerAddr).getBytes();
        c.sendRaw(StunCodec.toBytes(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(peerAddr)).add(Data.of(hello)).build(), Protection.NONE));
        DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
        p.receive(got);
        assertArrayEquals(hello, Arrays.copyOf(got.getData(), got.getLength()));
        assertEquals(relay, got.getSocketAddress(), "sent from the relayed address of the peer's family");
        p.send(new DatagramPacket(new byte[] {7, 7}, 2, relay));
        StunMessage data = StunCodec.decode(c.receiveRaw(TestClient.TIMEOUT_MS));
        assertEquals(new MessageType(Method.DATA, MessageClass.INDICATION), data.type());
        assertEquals(peerAddr, XorPeerAddress.from(data).orElseThrow().address());
    }

    @Test
    void bothFamiliesAreAllocatedAndRelay() throws Exception {
        TestClient c = start(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        StunMessage r = dualAllocate(c);
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        List<XorRelayedAddress> relays = XorRelayedAddress.allFrom(r);
        assertEquals(2, relays.size(), r.toString());
        assertTrue(relays.get(0).address().getAddress() instanceof java.net.Inet4Address, "IPv4 first");
        assertTrue(relays.get(1).address().getAddress() instanceof Inet6Address);
        assertTrue(AddressErrorCode.from(r).isEmpty());
        assertEquals(1.0, active("dual"), "counted once, as dual");
        assertEquals(0.0, active("ipv4"));

        roundTrip(c, peer("127.0.0.1"), relays.get(0).address());
        roundTrip(c, peer("::1"), relays.get(1).address());
        // A channel to an IPv6 peer goes out through the IPv6 socket too.
        DatagramSocket p6 = peer("::1");
        InetSocketAddress p6addr = (InetSocketAddress) p6.getLocalSocketAddress();
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4000), new XorPeerAddress(p6addr)).messageClass());
        c.sendChannelData(0x4000, new byte[] {1, 2, 3});
        DatagramPacket got = new DatagramPacket(new byte[64], 64);
        p6.receive(got);
        assertEquals(relays.get(1).address(), got.getSocketAddress());

        // Refresh names either family; LIFETIME 0 deletes the whole allocation and frees both ports.
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new RequestedAddressFamily(AddressFamily.IPV6),
                new Lifetime(600)).messageClass());
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(0)).messageClass());
        Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
        assertEquals(0, server.allocationCount());
        assertEquals(0.0, active("dual"));
        for (XorRelayedAddress relay : relays) {
            try (DatagramSocket again = new DatagramSocket(relay.address())) {
                assertTrue(again.isBound(), "port " + relay.address() + " is free again");
            }
        }
    }

    @Test
    void forbiddenCombinationsGet400() throws Exception {
        TestClient c = start(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        assertEquals(400, TestClient.errorCode(c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP),
                new AdditionalAddressFamily(AddressFamily.IPV6), new RequestedAddressFamily(AddressFamily.IPV4))));
        assertEquals(400, TestClient.errorCode(c.request(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP),
                new AdditionalAddressFamily(AddressFamily.IPV4))));
    }

    @Test
    void aFamilyTheServerLacksIsNamedInAddressErrorCode() throws Exception {
        TestClient c = start(InetAddress.getByName("127.0.0.1"));
        StunMessage r = dualAllocate(c);
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        assertEquals(1, XorRelayedAddress.allFrom(r).size());
        AddressErrorCode e = AddressErrorCode.from(r).orElseThrow();
        assertEquals(AddressFamily.IPV6, e.family());
        assertEquals(440, e.code());
        InetSocketAddress v6peer = new InetSocketAddress(InetAddress.getByName("::1"), 9);
        assertEquals(443, TestClient.errorCode(c.request(Method.CREATE_PERMISSION, new XorPeerAddress(v6peer))),
                "no IPv6 relay: a peer of that family is a mismatch");
    }
}
