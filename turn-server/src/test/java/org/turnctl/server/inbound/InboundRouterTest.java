package org.turnctl.server.inbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.DecoderException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.turnctl.server.CountingMetrics;
import org.turnctl.server.FakeTime;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Quotas;
import org.turnctl.server.allocation.RelayAddresses;
import org.turnctl.server.auth.NonceService;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Settings;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.relay.RelaySockets;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.stun.netty.StunStreamFramer;

/**
 * The one inbound path, driven through the real UDP and TCP handlers on EmbeddedChannels: what
 * is answered, what is dropped, and that every drop is counted with the same reason whatever
 * the transport. Paranoid leak detection (the build's default, auto-detected extension) checks
 * that every frame and answer is released.
 */
class InboundRouterTest {
    private final FakeTime time = new FakeTime();
    private final CountingMetrics metrics = new CountingMetrics();
    private final InboundRouter router = router();

    private InboundRouter router() {
        ServerConfig config = new ServerConfig(List.of(Embedded.SERVER), List.of(), Map.of(), 49152, 65535, "embedded.test",
                Map.of("alice", new byte[16]), List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, time);
        AllocationManager allocations = new AllocationManager(new PortPool(49152, 65535), new Quotas(0, 0),
                new RelayAddresses(InetAddress.getLoopbackAddress(), null, Map.of()), metrics);
        RequestDispatcher dispatcher = new RequestDispatcher(new AtomicReference<>(Settings.of(config)),
                new NonceService(600), allocations, new RelaySockets(NioDatagramChannel.class, time, metrics), time);
        return new InboundRouter(dispatcher, null, metrics, time);
    }

    private Embedded udp() {
        return new Embedded(UdpListenerHandler.relaying(router, false));
    }

    private Embedded tcp() {
        return new Embedded(new StunStreamFramer(), new TcpConnectionHandler(router));
    }

    private static DatagramPacket datagram(byte[] bytes) {
        return new DatagramPacket(Unpooled.wrappedBuffer(bytes), Embedded.SERVER, Embedded.CLIENT);
    }

    private static byte[] bytes(StunMessage m) {
        return StunCodec.toBytes(m, Protection.NONE);
    }

    private static StunMessage response(Object out) throws Exception {
        ByteBuf buf = out instanceof DatagramPacket p ? p.content() : (ByteBuf) out;
        try {
            if (out instanceof DatagramPacket p) {
                assertEquals(Embedded.CLIENT, p.recipient(), "answered to the sender");
            }
            return StunCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] sendIndication() {
        return bytes(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(new java.net.InetSocketAddress("192.0.2.1", 9))).add(Data.of(new byte[] {1})).build());
    }

    @Test
    void udpBindingIsAnsweredWithTheSendersAddress() throws Exception {
        Embedded ch = udp();
        ch.writeInbound(datagram(bytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build())));
        StunMessage r = response(ch.readOutbound());
        assertEquals(MessageType.BINDING_SUCCESS, r.type());
        assertEquals(Embedded.CLIENT, XorMappedAddress.from(r).orElseThrow().address());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void udpAllocateWithoutCredentialsIsChallenged() throws Exception {
        Embedded ch = udp();
        ch.writeInbound(datagram(bytes(StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                .add(new RequestedTransport(RequestedTransport.UDP)).build())));
        StunMessage r = response(ch.readOutbound());
        assertEquals(401, ErrorCode.from(r).orElseThrow().code());
        assertEquals("embedded.test", Realm.from(r).orElseThrow().value());
        assertTrue(Nonce.from(r).isPresent());
        ch.finishAndReleaseAll();
    }

    @Test
    void udpDropsAreCountedWithTheirReasons() throws Exception {
        Embedded ch = udp();
        ch.writeInbound(datagram(new byte[0]));
        ch.writeInbound(datagram(new byte[] {(byte) 0xFF, 1, 2}));
        ch.writeInbound(datagram(new byte[] {0x40, 0x00, 0, 1, 9}));
        ch.writeInbound(datagram(sendIndication()));
        // A request with a sound header and a broken attribute: counted, and answered 400.
        byte[] bad = bytes(StunMessage.builder(Method.REFRESH, MessageClass.REQUEST).add(new Lifetime(1)).build());
        bad[23] = 3;
        ch.writeInbound(datagram(bad));
        assertEquals(400, ErrorCode.from(response(ch.readOutbound())).orElseThrow().code());
        assertNull(ch.readOutbound(), "nothing else is answered");
        assertEquals(2, metrics.dropped("not_stun"));
        assertEquals(2, metrics.dropped("no_allocation"), "ChannelData and a Send indication");
        assertEquals(1, metrics.dropped("malformed"));
        assertTrue(ch.isActive(), "no datagram closes a listener");
        ch.finishAndReleaseAll();
    }

    @Test
    void tcpBindingIsAnsweredOnTheConnection() throws Exception {
        Embedded ch = tcp();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build())));
        assertEquals(MessageType.BINDING_SUCCESS, response(ch.readOutbound()).type());
        ch.finishAndReleaseAll();
    }

    @Test
    void tcpDataWithoutAnAllocationIsCountedAndTheConnectionStays() throws Exception {
        Embedded ch = tcp();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x40, 0x00, 0, 1, 9, 0, 0, 0}));
        ch.writeInbound(Unpooled.wrappedBuffer(sendIndication()));
        assertEquals(2, metrics.dropped("no_allocation"));
        assertTrue(ch.isActive(), "framing is intact, so the connection goes on");
        ch.finishAndReleaseAll();
    }

    @Test
    void tcpGarbageIsCountedAndClosesTheConnection() {
        Embedded ch = tcp();
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x16, 3, 1, 0, 0x10}));
        } catch (DecoderException e) {
            // EmbeddedChannel rethrows what reached exceptionCaught; the handler has acted on it.
        }
        assertEquals(1, metrics.dropped("not_stun"));
        assertFalse(ch.isActive(), "a stream cannot resynchronise after garbage");
        ch.finishAndReleaseAll();
    }

    @Test
    void tcpOversizedFrameIsCountedAsMalformed() {
        Embedded ch = new Embedded(new StunStreamFramer(1500), new TcpConnectionHandler(router));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 0x08, 0, 0x21, 0x12, (byte) 0xA4, 0x42}));
        } catch (DecoderException e) {
            // as above
        }
        assertEquals(1, metrics.dropped("malformed"));
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void tcpMalformedRequestIsAnswered400AndTheConnectionStays() throws Exception {
        Embedded ch = tcp();
        byte[] bad = bytes(StunMessage.builder(Method.REFRESH, MessageClass.REQUEST).add(new Lifetime(1)).build());
        bad[23] = 3;
        ch.writeInbound(Unpooled.wrappedBuffer(bad));
        ByteBuf out = ch.readOutbound();
        assertNotNull(out);
        assertEquals(400, ErrorCode.from(response(out)).orElseThrow().code());
        assertEquals(1, metrics.dropped("malformed"));
        assertTrue(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void bytesAreNotCopiedIntoAnswersBeyondTheRequest() throws Exception {
        // A Binding request's answer echoes its transaction id: the router hands the decoder the
        // frame as received.
        Embedded ch = udp();
        StunMessage req = StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build();
        ch.writeInbound(datagram(bytes(req)));
        assertArrayEquals(req.transactionId().toByteArray(), response(ch.readOutbound()).transactionId().toByteArray());
        ch.finishAndReleaseAll();
    }
}
