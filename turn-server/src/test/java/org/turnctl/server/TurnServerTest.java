package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.UnknownAttribute;
import org.turnctl.stun.attr.*;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** The server end to end over real loopback sockets, time moved by hand. */
class TurnServerTest {
    private TurnServer server;
    private final List<AutoCloseable> closeMe = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TurnServer start(TestServers s) throws Exception {
        server = s.start();
        return server;
    }

    private TestClient udpClient(String user) throws Exception {
        TestClient c = TestClient.udp(server.udpAddresses().get(0)).credentials(user, user + "-pass");
        closeMe.add(c);
        return c;
    }

    private TestClient tcpClient(String user) throws Exception {
        TestClient c = TestClient.tcp(server.tcpAddresses().get(0)).credentials(user, user + "-pass");
        closeMe.add(c);
        return c;
    }

    private DatagramSocket peer() throws Exception {
        DatagramSocket p = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        p.setSoTimeout(TestClient.TIMEOUT_MS);
        closeMe.add(p);
        return p;
    }

    private static InetSocketAddress relayed(StunMessage allocateResponse) {
        return XorRelayedAddress.from(allocateResponse).orElseThrow().address();
    }

    private static StunMessage allocate(TestClient c, StunAttribute... extra) throws Exception {
        StunAttribute[] attrs = Arrays.copyOf(extra, extra.length + 1);
        attrs[extra.length] = new RequestedTransport(RequestedTransport.UDP);
        return c.request(Method.ALLOCATE, attrs);
    }

    @Test
    void bindingOverUdpAndTcpReportsTheClientAddress() throws Exception {
        start(new TestServers());
        for (TestClient c : List.of(udpClient("alice"), tcpClient("alice"))) {
            StunMessage r = c.send(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.FINGERPRINT);
            assertEquals(MessageType.BINDING_SUCCESS, r.type());
            assertEquals(c.localAddress(), XorMappedAddress.from(r).orElseThrow().address());
            assertTrue(Fingerprint.verify(r), "FINGERPRINT answered with FINGERPRINT");
            assertTrue(Software.from(r).isEmpty(), "no SOFTWARE by default");
        }
    }

    @Test
    void classicRfc3489Binding() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        byte[] tid = new byte[16];
        new java.util.Random(7).nextBytes(tid);
        tid[0] = 0x7F; // not the magic cookie
        c.sendRaw(encode(StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.of(tid)).build()));
        // A client that sent an RFC 3489 request decodes the answer as one.
        StunMessage r = StunCodec.decode(c.receiveRaw(TestClient.TIMEOUT_MS), true);
        assertTrue(r.isLegacy());
        assertArrayEquals(tid, r.transactionId().toByteArray());
        assertEquals(c.localAddress(), MappedAddress.from(r).orElseThrow().address());
        assertTrue(SourceAddress.from(r).isPresent());
        assertTrue(XorMappedAddress.from(r).isEmpty());
        assertTrue(MessageIntegrity.from(r).isEmpty());
        assertTrue(org.turnctl.stun.attr.Fingerprint.from(r).isEmpty());
    }

    @Test
    void challengeThenStaleNonceThenSuccess() throws Exception {
        TestServers s = new TestServers();
        start(s);
        TestClient c = udpClient("alice");
        StunMessage challenge = c.unauthenticated(Method.ALLOCATE, new RequestedTransport(17));
        assertEquals(401, TestClient.errorCode(challenge));
        assertEquals(TestServers.REALM, Realm.from(challenge).orElseThrow().value());
        assertTrue(Nonce.from(challenge).isPresent());
        assertTrue(MessageIntegrity.from(challenge).isEmpty(), "a 401 is not integrity-protected");

        s.time.advanceSeconds(601); // past --nonce-lifetime
        StunMessage stale = c.sendAuthenticated(Method.ALLOCATE, TransactionId.random(), new RequestedTransport(17));
        assertEquals(438, TestClient.errorCode(stale));
        String fresh = Nonce.from(stale).orElseThrow().value();
        assertNotEquals(c.nonce, fresh);
        assertEquals(TestServers.REALM, Realm.from(stale).orElseThrow().value());

        c.nonce = fresh;
        StunMessage ok = c.sendAuthenticated(Method.ALLOCATE, TransactionId.random(), new RequestedTransport(17));
        assertEquals(MessageClass.SUCCESS_RESPONSE, ok.messageClass(), ok.toString());
        assertTrue(Integrity.verify(ok, c.key()), "success is integrity-protected with the user's key");
        InetSocketAddress relay = relayed(ok);
        assertEquals(InetAddress.getLoopbackAddress(), relay.getAddress());
        assertTrue(relay.getPort() >= 49152 && relay.getPort() <= 65535);
        assertEquals(c.localAddress(), XorMappedAddress.from(ok).orElseThrow().address());
        assertEquals(600, Lifetime.from(ok).orElseThrow().seconds());
    }

    @Test
    void authenticationErrors() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        c.unauthenticated(Method.ALLOCATE);
        // MESSAGE-INTEGRITY without USERNAME, REALM, NONCE: 400.
        StunMessage noUser = c.send(StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                .add(new RequestedTransport(17)).build(), Protection.NONE.withIntegrity(c.key()));
        assertEquals(400, TestClient.errorCode(noUser));
        // Wrong password: 401.
        c.password = "wrong";
        assertEquals(401, TestClient.errorCode(allocate(c)));
        // Unknown user: 401.
        c.username = "mallory";
        assertEquals(401, TestClient.errorCode(allocate(c)));
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420WithIntegrity() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        StunMessage r = allocate(c, new UnknownAttribute(0x7ABC, Octets.EMPTY));
        assertEquals(420, TestClient.errorCode(r));
        assertEquals(List.of(0x7ABC), UnknownAttributes.from(r).orElseThrow().types());
        assertTrue(Integrity.verify(r, c.key()));
        // DONT-FRAGMENT cannot be honoured on JDK sockets: 420 naming it.
        StunMessage df = allocate(c, DontFragment.INSTANCE);
        assertEquals(420, TestClient.errorCode(df));
        assertEquals(List.of(AttributeType.DONT_FRAGMENT), UnknownAttributes.from(df).orElseThrow().types());
    }

    @Test
    void allocateErrors() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        assertEquals(442, TestClient.errorCode(c.request(Method.ALLOCATE, new RequestedTransport(132))), "SCTP: not supported");
        assertEquals(400, TestClient.errorCode(c.request(Method.ALLOCATE, new RequestedTransport(6))),
                "TCP (RFC 6062) only over a TCP or TLS connection");
        assertEquals(400, TestClient.errorCode(c.request(Method.ALLOCATE, new Lifetime(600))));
        assertEquals(440, TestClient.errorCode(allocate(c, new RequestedAddressFamily(AddressFamily.IPV6))));
        assertEquals(440, TestClient.errorCode(allocate(c, new RequestedAddressFamily(7))));
        assertEquals(400, TestClient.errorCode(allocate(c, new ReservationToken(1), new EvenPort(false))));
        assertEquals(508, TestClient.errorCode(allocate(c, new ReservationToken(12345))));
        assertEquals(437, TestClient.errorCode(c.request(Method.REFRESH)));
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(c).messageClass());
        assertEquals(437, TestClient.errorCode(allocate(c)), "second allocation on one 5-tuple");
        assertEquals(1, server.allocationCount());
    }

    @Test
    void wrongUserOnSomeoneElsesAllocationGets441() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(c).messageClass());
        c.credentials("bob", "bob-pass");
        assertEquals(441, TestClient.errorCode(c.request(Method.REFRESH)));
    }

    @Test
    void quotasAndCapacity() throws Exception {
        TestServers s = new TestServers();
        s.userQuota = 1;
        s.minPort = 50000;
        s.maxPort = 50001;
        start(s);
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(udpClient("alice")).messageClass());
        assertEquals(486, TestClient.errorCode(allocate(udpClient("alice"))));
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(udpClient("bob")).messageClass());
        // Two ports, both taken.
        s.users.put("carol", Integrity.longTermKeyMd5("carol", TestServers.REALM, "carol-pass"));
        assertEquals(401, TestClient.errorCode(allocate(udpClient("carol"))), "users are fixed at start");
    }

    @Test
    void portExhaustionIs508() throws Exception {
        TestServers s = new TestServers();
        s.minPort = 50010;
        s.maxPort = 50010;
        start(s);
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(udpClient("alice")).messageClass());
        assertEquals(508, TestClient.errorCode(allocate(udpClient("bob"))));
    }

    @Test
    void channelNumberRanges() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        allocate(c);
        DatagramSocket p = peer();
        int port = p.getLocalPort();
        int i = 0;
        for (int ok : new int[] {0x4000, 0x4FFF, 0x5000, 0x7FFF}) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 0 * i++);
            // One peer can hold only one channel: use distinct peer ports.
            peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000 + i);
            StunMessage r = c.request(Method.CHANNEL_BIND, new ChannelNumber(ok), new XorPeerAddress(peer));
            assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), Integer.toHexString(ok) + " " + r);
        }
        for (int bad : new int[] {0x3FFF, 0x8000, 0xFFFF}) {
            StunMessage r = c.request(Method.CHANNEL_BIND, new ChannelNumber(bad),
                    new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 41000)));
            assertEquals(400, TestClient.errorCode(r), Integer.toHexString(bad));
        }
        // Rebinding rules: a bound number to another peer, a bound peer to another number.
        InetSocketAddress first = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001);
        assertEquals(400, TestClient.errorCode(c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4000),
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 42000)))));
        assertEquals(400, TestClient.errorCode(c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4001),
                new XorPeerAddress(first))));
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4000),
                new XorPeerAddress(first)).messageClass(), "refreshing the same binding");
    }

    @Test
    void strictChannelNumbers() throws Exception {
        TestServers s = new TestServers();
        s.strictChannels = true;
        start(s);
        TestClient c = udpClient("alice");
        allocate(c);
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        assertEquals(400, TestClient.errorCode(c.request(Method.CHANNEL_BIND, new ChannelNumber(0x5000), new XorPeerAddress(peer))));
        assertEquals(MessageClass.SUCCESS_RESPONSE,
                c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4FFF), new XorPeerAddress(peer)).messageClass());
    }

    @Test
    void dataBothWaysWithSendDataAndChannels() throws Exception {
        start(new TestServers());
        for (boolean tcp : new boolean[] {false, true}) {
            TestClient c = tcp ? tcpClient("alice") : udpClient("alice");
            InetSocketAddress relay = relayed(allocate(c));
            DatagramSocket p = peer();
            InetSocketAddress peerAddr = (InetSocketAddress) p.getLocalSocketAddress();

            assertEquals(MessageClass.SUCCESS_RESPONSE,
                    c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr)).messageClass());

            // Send indication -> peer.
            byte[] hello = "hello peer".getBytes();
            c.sendRaw(encode(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                    .add(new XorPeerAddress(peerAddr)).add(Data.of(hello)).build()));
            DatagramPacket got = receive(p);
            assertArrayEquals(hello, Arrays.copyOf(got.getData(), got.getLength()));
            assertEquals(relay, got.getSocketAddress());

            // Peer -> Data indication.
            p.send(new DatagramPacket("hi client".getBytes(), 9, relay));
            StunMessage data = StunCodec.decode(c.receiveRaw(TestClient.TIMEOUT_MS));
            assertEquals(new MessageType(Method.DATA, MessageClass.INDICATION), data.type());
            assertEquals(peerAddr, XorPeerAddress.from(data).orElseThrow().address());
            assertArrayEquals("hi client".getBytes(), Data.from(data).orElseThrow().value().toByteArray());

            // Channel both ways.
            assertEquals(MessageClass.SUCCESS_RESPONSE,
                    c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4001), new XorPeerAddress(peerAddr)).messageClass());
            c.sendChannelData(0x4001, new byte[] {9, 8, 7});
            got = receive(p);
            assertArrayEquals(new byte[] {9, 8, 7}, Arrays.copyOf(got.getData(), got.getLength()));
            p.send(new DatagramPacket(new byte[] {5, 5, 5, 5, 5}, 5, relay));
            byte[] cd = c.receiveRaw(TestClient.TIMEOUT_MS);
            assertArrayEquals(new byte[] {0x40, 0x01, 0, 5, 5, 5, 5, 5, 5}, cd);
        }
    }

    @Test
    void permissionsChannelsAndAllocationsExpire() throws Exception {
        TestServers s = new TestServers();
        start(s);
        TestClient c = udpClient("alice");
        InetSocketAddress relay = relayed(allocate(c));
        DatagramSocket p = peer();
        InetSocketAddress peerAddr = (InetSocketAddress) p.getLocalSocketAddress();
        c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr));
        int portsInUse = server.relayPortsInUse();
        assertEquals(1, portsInUse);

        // Keep the allocation alive, let the permission (300 s) lapse.
        s.time.advanceSeconds(301);
        server.sweepNow();
        assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(600)).messageClass());
        p.send(new DatagramPacket(new byte[] {1}, 1, relay));
        c.sendRaw(encode(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(peerAddr)).add(Data.of(new byte[] {2})).build()));
        // Prove the path is otherwise open: a Binding round-trip completes, and nothing came before it.
        StunMessage b = c.send(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE);
        assertEquals(MessageType.BINDING_SUCCESS, b.type());
        p.setSoTimeout(300);
        assertThrows(java.net.SocketTimeoutException.class, () -> p.receive(new DatagramPacket(new byte[10], 10)));

        // The allocation itself expires after its lifetime; its port comes back.
        s.time.advanceSeconds(601);
        server.sweepNow();
        assertEquals(0, server.allocationCount());
        assertEquals(0, server.relayPortsInUse());
        assertEquals(437, TestClient.errorCode(c.request(Method.REFRESH)));
    }

    @Test
    void channelsExpireAfterTenMinutesEvenWithFreshPermissions() throws Exception {
        TestServers s = new TestServers();
        start(s);
        TestClient c = udpClient("alice");
        allocate(c);
        DatagramSocket p = peer();
        InetSocketAddress peerAddr = (InetSocketAddress) p.getLocalSocketAddress();
        c.request(Method.CHANNEL_BIND, new ChannelNumber(0x4002), new XorPeerAddress(peerAddr));
        for (int step = 0; step < 2; step++) {
            s.time.advanceSeconds(301);
            assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(3600)).messageClass());
            assertEquals(MessageClass.SUCCESS_RESPONSE,
                    c.request(Method.CREATE_PERMISSION, new XorPeerAddress(peerAddr)).messageClass());
            server.sweepNow();
        }
        // 602 s after the bind: the permission is fresh, the channel is gone.
        c.sendChannelData(0x4002, new byte[] {1});
        c.sendRaw(encode(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(peerAddr)).add(Data.of(new byte[] {2})).build()));
        DatagramPacket got = receive(p);
        assertArrayEquals(new byte[] {2}, Arrays.copyOf(got.getData(), got.getLength()),
                "the Send arrives; the ChannelData sent before it was dropped");
    }

    @Test
    void sha256IntegrityIsAnsweredInKind() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        c.unauthenticated(Method.ALLOCATE);
        StunMessage req = StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                .add(new RequestedTransport(17)).add(new Username("alice")).add(new Realm(c.realm)).add(new Nonce(c.nonce))
                .build();
        StunMessage r = c.send(req, Protection.NONE.withIntegritySha256(c.key()));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        assertTrue(Integrity.verifySha256(r, c.key()));
        assertTrue(MessageIntegrity.from(r).isEmpty(), "answered with MESSAGE-INTEGRITY-SHA256 only");
        StunMessage wrong = c.send(StunMessage.builder(Method.REFRESH, MessageClass.REQUEST).add(new Username("alice"))
                .add(new Realm(c.realm)).add(new Nonce(c.nonce)).build(),
                Protection.NONE.withIntegritySha256(Integrity.longTermKeyMd5("alice", c.realm, "nope")));
        assertEquals(401, TestClient.errorCode(wrong));
    }

    @Test
    void refreshZeroDeletesAndARetransmissionGetsTheSameAnswer() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        allocate(c);
        TransactionId id = TransactionId.random();
        StunMessage first = c.sendAuthenticated(Method.REFRESH, id, new Lifetime(0));
        assertEquals(0, Lifetime.from(first).orElseThrow().seconds());
        assertEquals(0, server.allocationCount());
        assertEquals(0, server.relayPortsInUse());
        StunMessage again = c.sendAuthenticated(Method.REFRESH, id, new Lifetime(0));
        assertEquals(first, again, "a retransmitted request gets the cached response");
    }

    @Test
    void retransmittedAllocateGetsTheSameRelay() throws Exception {
        start(new TestServers());
        TestClient c = udpClient("alice");
        c.unauthenticated(Method.ALLOCATE);
        TransactionId id = TransactionId.random();
        StunMessage a = c.sendAuthenticated(Method.ALLOCATE, id, new RequestedTransport(17));
        StunMessage b = c.sendAuthenticated(Method.ALLOCATE, id, new RequestedTransport(17));
        assertEquals(relayed(a), relayed(b));
        assertEquals(1, server.allocationCount());
    }

    @Test
    void externalIpIsAdvertisedInsteadOfTheRelayAddress() throws Exception {
        TestServers s = new TestServers();
        s.externalIps.put(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("203.0.113.50"));
        start(s);
        TestClient c = udpClient("alice");
        InetSocketAddress advertised = relayed(allocate(c));
        assertEquals(InetAddress.getByName("203.0.113.50"), advertised.getAddress());
        assertTrue(server.isRelayPortInUse(advertised.getPort()), "same port as the relay socket");
    }

    @Test
    void lifetimeIsClampedToDefaultAndMaximum() throws Exception {
        start(new TestServers());
        assertEquals(600, Lifetime.from(allocate(udpClient("alice"), new Lifetime(30))).orElseThrow().seconds());
        assertEquals(3600, Lifetime.from(allocate(udpClient("bob"), new Lifetime(99999))).orElseThrow().seconds());
    }

    @Test
    void evenPortReservationIsRedeemedByAnother5Tuple() throws Exception {
        TestServers s = new TestServers();
        s.threads = 2;
        start(s);
        StunMessage first = allocate(udpClient("alice"), new EvenPort(true));
        int even = relayed(first).getPort();
        assertEquals(0, even % 2);
        long token = ReservationToken.from(first).orElseThrow().token();
        StunMessage second = allocate(udpClient("bob"), new ReservationToken(token));
        assertEquals(MessageClass.SUCCESS_RESPONSE, second.messageClass(), second.toString());
        assertEquals(even + 1, relayed(second).getPort());
        assertEquals(508, TestClient.errorCode(allocate(udpClient("alice"), new ReservationToken(token))), "used once");
    }

    @Test
    void aRelayPortTakenByAnotherProcessIsSkipped() throws Exception {
        TestServers s = new TestServers();
        s.minPort = 50030;
        s.maxPort = 50033;
        start(s);
        try (DatagramSocket squatter = new DatagramSocket(50030, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                TestClient c = udpClient("alice");
                StunMessage r = allocate(c, new EvenPort(false));
                assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
                assertEquals(50032, relayed(r).getPort(), "the only even port not taken by the squatter");
                assertEquals(MessageClass.SUCCESS_RESPONSE, c.request(Method.REFRESH, new Lifetime(0)).messageClass());
            }
            assertEquals(0, server.relayPortsInUse(), "the failed port went back to the pool");
        }
    }

    @Test
    void anEvenPortWhoseNeighbourAnotherProcessHoldsIsNotReserved() throws Exception {
        // uclient's own sockets are ephemeral ports inside the relay range: a token promising a
        // port someone else holds would fail the redeeming Allocate with 508.
        TestServers s = new TestServers();
        s.minPort = 50040;
        s.maxPort = 50043;
        start(s);
        try (DatagramSocket squatter = new DatagramSocket(50041, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 4; i++) {
                TestClient rtp = udpClient("alice");
                StunMessage first = allocate(rtp, new EvenPort(true));
                assertEquals(MessageClass.SUCCESS_RESPONSE, first.messageClass(), first.toString());
                assertEquals(50042, relayed(first).getPort(), "the only even port whose neighbour is free");
                long token = ReservationToken.from(first).orElseThrow().token();
                TestClient rtcp = udpClient("bob");
                StunMessage second = allocate(rtcp, new ReservationToken(token));
                assertEquals(50043, relayed(second).getPort(), second.toString());
                assertEquals(MessageClass.SUCCESS_RESPONSE, rtp.request(Method.REFRESH, new Lifetime(0)).messageClass());
                assertEquals(MessageClass.SUCCESS_RESPONSE, rtcp.request(Method.REFRESH, new Lifetime(0)).messageClass());
            }
            assertEquals(0, server.relayPortsInUse(), "skipped candidates went back to the pool");
            try (DatagramSocket squatter2 = new DatagramSocket(50043, InetAddress.getLoopbackAddress())) {
                assertEquals(508, TestClient.errorCode(allocate(udpClient("alice"), new EvenPort(true))),
                        "no even port with a free neighbour: 508 at once, not a token that cannot be redeemed");
                assertEquals(0, server.relayPortsInUse());
            }
        }
    }

    @Test
    void passwordGuessingIsThrottledPerUserNameWithoutAnAnswer() throws Exception {
        TestServers s = new TestServers(); // --auth-failure-rate 5/s: bursts of 10
        s.threads = 1; // the buckets are per event loop; with two, a new client may land on the other
        start(s);
        TestClient guesser = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "not-alice-pass");
        closeMe.add(guesser);
        for (int i = 0; i < 10; i++) {
            assertEquals(401, TestClient.errorCode(allocate(guesser)), "guess " + (i + 1) + " is answered");
        }
        assertThrows(AssertionError.class, () -> allocate(guesser)); // the 11th guess gets no answer
        // The user name is throttled, whoever asks (loopback counts against the name only) ...
        assertThrows(AssertionError.class, () -> allocate(udpClient("alice")));
        // ... other users are not ...
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(udpClient("bob")).messageClass());
        // ... and a second later the bucket has refilled.
        s.time.advanceSeconds(1);
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(udpClient("alice")).messageClass());
    }

    @Test
    void expiredReservationIsRefused() throws Exception {
        TestServers s = new TestServers();
        start(s);
        long token = ReservationToken.from(allocate(udpClient("alice"), new EvenPort(true))).orElseThrow().token();
        s.time.advanceSeconds(31);
        server.sweepNow();
        assertEquals(508, TestClient.errorCode(allocate(udpClient("bob"), new ReservationToken(token))));
        assertEquals(1, server.relayPortsInUse(), "the reserved port went back to the pool");
    }

    @Test
    void closingTheTcpConnectionDeletesTheAllocation() throws Exception {
        start(new TestServers());
        TestClient c = tcpClient("alice");
        allocate(c);
        assertEquals(1, server.allocationCount());
        c.close();
        Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
        assertEquals(0, server.allocationCount());
        assertEquals(0, server.relayPortsInUse());
    }

    @Test
    void restCredentials() throws Exception {
        TestServers s = new TestServers();
        s.users.clear();
        s.secrets.add("new-secret");
        s.secrets.add("old-secret");
        start(s);
        long expiry = s.time.nowMillis() / 1000 + 3600;
        String user = expiry + ":carol";
        for (String secret : List.of("new-secret", "old-secret")) {
            TestClient c = udpClient("x");
            c.credentials(user, org.turnctl.stun.codec.RestCredentials.password(secret.getBytes(), user));
            assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(c).messageClass(), secret);
        }
        TestClient wrong = udpClient("x").credentials(user, "not-the-password");
        assertEquals(401, TestClient.errorCode(allocate(wrong)));
        String expired = (s.time.nowMillis() / 1000 - 1) + ":carol";
        TestClient late = udpClient("x").credentials(expired,
                org.turnctl.stun.codec.RestCredentials.password("new-secret".getBytes(), expired));
        assertEquals(401, TestClient.errorCode(allocate(late)));
    }

    @Test
    void garbageNeverStopsTheListener() throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        server = TurnServer.start(new TestServers().config(), metrics);
        TestClient c = udpClient("alice");
        c.sendRaw(new byte[0]);
        c.sendRaw(new byte[] {(byte) 0xFF, 1, 2});
        c.sendRaw(new byte[] {0x40, 0x00, 0x7F, 0x7F});
        c.sendRaw(new byte[] {0, 1, 0, 8, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        // A request with a sound header and a broken attribute gets a 400 for its transaction.
        byte[] bad = encode(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).add(new Lifetime(1)).build());
        bad[23] = 3; // LIFETIME length 3
        c.sendRaw(bad);
        StunMessage r = StunCodec.decode(c.receiveRaw(TestClient.TIMEOUT_MS));
        assertEquals(400, TestClient.errorCode(r));
        assertEquals(MessageType.BINDING_SUCCESS,
                c.send(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE).type());
        // Each dropped datagram is counted with its reason (the old package-visible counter saw the
        // same four as "malformed"; ChannelData without an allocation was never in it).
        assertEquals(2, metrics.dropped("not_stun"), "the empty datagram and 0xFF");
        assertEquals(2, metrics.dropped("malformed"), "the short STUN message and the bad LIFETIME");
        assertEquals(1, metrics.dropped("no_allocation"), "ChannelData from a client without an allocation");
    }

    static byte[] encode(StunMessage m) {
        return StunCodec.toBytes(m, Protection.NONE);
    }

    static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return p;
    }

    static <T extends Throwable> void assertThrows(Class<T> type, org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(type, e);
    }
}
