package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.ChangeRequest;
import org.turnctl.stun.attr.ChangedAddress;
import org.turnctl.stun.attr.OtherAddress;
import org.turnctl.stun.attr.Padding;
import org.turnctl.stun.attr.ResponseOrigin;
import org.turnctl.stun.attr.ResponsePort;
import org.turnctl.stun.attr.SourceAddress;
import org.turnctl.stun.attr.UnknownAttributes;
import org.turnctl.stun.codec.StunCodec;

/** RFC 5780 on the server: four sockets on 127.0.0.1 and 127.0.0.2. */
class BehaviorDiscoveryTest {
    private TurnServer server;
    private DatagramSocket client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(boolean alt) throws Exception {
        TestServers s = new TestServers();
        if (alt) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
                port = probe.getLocalPort();
            }
            s.altListen = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port);
        }
        server = s.start();
        client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        client.setSoTimeout(3000);
        return s.altListen;
    }

    private record Reply(StunMessage message, InetSocketAddress from) {
    }

    private Reply binding(InetSocketAddress to, StunAttribute... attrs) throws Exception {
        StunMessage.Builder b = StunMessage.builder(Method.BINDING, MessageClass.REQUEST);
        for (StunAttribute a : attrs) {
            b.add(a);
        }
        byte[] bytes = TurnServerTest.encode(b.build());
        client.send(new DatagramPacket(bytes, bytes.length, to));
        return receive(client);
    }

    private static Reply receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return new Reply(StunCodec.decode(Arrays.copyOf(p.getData(), p.getLength()), true),
                (InetSocketAddress) p.getSocketAddress());
    }

    @Test
    void changeRequestPicksTheSocketTheAnswerLeavesFrom() throws Exception {
        InetSocketAddress a2p2 = start(true);
        InetSocketAddress a1p1 = server.udpAddresses().get(0);
        InetSocketAddress a1p2 = new InetSocketAddress(a1p1.getAddress(), a2p2.getPort());
        InetSocketAddress a2p1 = new InetSocketAddress(a2p2.getAddress(), a1p1.getPort());

        Reply plain = binding(a1p1);
        assertEquals(a1p1, plain.from());
        assertEquals(a1p1, ResponseOrigin.from(plain.message()).orElseThrow().address());
        assertEquals(a2p2, OtherAddress.from(plain.message()).orElseThrow().address());

        Reply both = binding(a1p1, new ChangeRequest(true, true));
        assertEquals(a2p2, both.from());
        assertEquals(a2p2, ResponseOrigin.from(both.message()).orElseThrow().address());
        assertEquals(a1p2, binding(a1p1, new ChangeRequest(false, true)).from());
        assertEquals(a2p1, binding(a1p1, new ChangeRequest(true, false)).from());
        // Every socket answers, and OTHER-ADDRESS is relative to the one asked.
        Reply fromA2p2 = binding(a2p2);
        assertEquals(a2p2, fromA2p2.from());
        assertEquals(a1p1, OtherAddress.from(fromA2p2.message()).orElseThrow().address());
        assertEquals(a1p1, binding(a2p2, new ChangeRequest(true, true)).from());
    }

    @Test
    void responsePortAndPadding() throws Exception {
        start(true);
        InetSocketAddress a1p1 = server.udpAddresses().get(0);
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            other.setSoTimeout(3000);
            StunMessage req = StunMessage.builder(Method.BINDING, MessageClass.REQUEST)
                    .add(new ResponsePort(other.getLocalPort())).build();
            byte[] bytes = TurnServerTest.encode(req);
            client.send(new DatagramPacket(bytes, bytes.length, a1p1));
            Reply r = receive(other);
            assertEquals(req.transactionId(), r.message().transactionId());
        }
        StunMessage padded = StunMessage.builder(Method.BINDING, MessageClass.REQUEST).add(Padding.of(new byte[200])).build();
        byte[] bytes = TurnServerTest.encode(padded);
        client.send(new DatagramPacket(bytes, bytes.length, a1p1));
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        client.receive(p);
        assertTrue(p.getLength() <= bytes.length, "response " + p.getLength() + " > request " + bytes.length);
        assertTrue(Padding.from(StunCodec.decode(Arrays.copyOf(p.getData(), p.getLength()))).isPresent());
        assertTrue(Padding.from(binding(a1p1).message()).isEmpty(), "no PADDING unless asked");
        Reply both = binding(a1p1, new ResponsePort(40000), Padding.of(new byte[8]));
        assertEquals(400, TestClient.errorCode(both.message()));
    }

    @Test
    void classicClientsGetChangedAddress() throws Exception {
        InetSocketAddress a2p2 = start(true);
        byte[] tid = new byte[16];
        tid[0] = 1;
        StunMessage req = StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.of(tid)).build();
        byte[] bytes = TurnServerTest.encode(req);
        client.send(new DatagramPacket(bytes, bytes.length, server.udpAddresses().get(0)));
        Reply r = receive(client);
        assertEquals(a2p2, ChangedAddress.from(r.message()).orElseThrow().address());
        assertTrue(SourceAddress.from(r.message()).isPresent());
    }

    @Test
    void withoutAltListenChangeRequestIs420AndThereIsNoOtherAddress() throws Exception {
        start(false);
        InetSocketAddress a1p1 = server.udpAddresses().get(0);
        assertTrue(OtherAddress.from(binding(a1p1).message()).isEmpty());
        Reply r = binding(a1p1, new ChangeRequest(true, true));
        assertEquals(420, TestClient.errorCode(r.message()));
        assertEquals(List.of(0x0003), UnknownAttributes.from(r.message()).orElseThrow().types());
        assertEquals(MessageClass.SUCCESS_RESPONSE, binding(a1p1, new ChangeRequest(false, false)).message().messageClass());
    }
}
