package org.turnctl.server.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/** The unauthenticated rate limit: per source, bounded in memory, silent past the rate, counted. */
class UnauthenticatedLimiterTest {
    private final FakeTime time = new FakeTime();

    @Test
    void aSourceGetsTwiceTheRateAtOnceThenTheRateASecond() throws Exception {
        UnauthenticatedLimiter l = new UnauthenticatedLimiter(10, time);
        InetAddress a = InetAddress.getByName("198.51.100.7");
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += l.tryAcquire(a) ? 1 : 0;
        }
        assertEquals(20, granted, "a burst of twice the rate");
        time.advanceSeconds(1);
        granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += l.tryAcquire(a) ? 1 : 0;
        }
        assertEquals(10, granted, "then the rate");
        assertTrue(l.tryAcquire(InetAddress.getByName("198.51.100.8")), "another source has its own bucket");
        for (int i = 0; i < 1000; i++) {
            assertTrue(l.tryAcquire(InetAddress.getLoopbackAddress()), "loopback is never limited");
        }
        assertTrue(new UnauthenticatedLimiter(0, time).tryAcquire(a), "0 turns it off");
    }

    @Test
    void aSpoofedSourceFloodCannotGrowMemory() throws Exception {
        UnauthenticatedLimiter l = new UnauthenticatedLimiter(10, time);
        byte[] ip = {(byte) 203, 0, 0, 0};
        for (int i = 0; i < 200_000; i++) { // 200k distinct spoofed sources
            ip[1] = (byte) (i >> 16);
            ip[2] = (byte) (i >> 8);
            ip[3] = (byte) i;
            l.tryAcquire(InetAddress.getByAddress(ip));
        }
        assertEquals(UnauthenticatedLimiter.MAX_SOURCES, l.sources());
        InetAddress steady = InetAddress.getByName("198.51.100.9");
        for (int i = 0; i < 20; i++) {
            l.tryAcquire(steady);
        }
        assertFalse(l.tryAcquire(steady), "a source seen recently keeps its empty bucket through the flood");
    }

    @Test
    void pastTheRateTheRouterAnswersNothingAndCountsRatelimit() throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        ServerConfig config = new ServerConfig(List.of(Embedded.SERVER), List.of(), Map.of(), 49152, 65535, "embedded.test",
                Map.of("alice", new byte[16]), List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, time);
        AllocationManager allocations = new AllocationManager(new PortPool(49152, 65535), new Quotas(0, 0),
                new RelayAddresses(InetAddress.getLoopbackAddress(), null, Map.of()), metrics);
        RequestDispatcher dispatcher = new RequestDispatcher(new AtomicReference<>(Settings.of(config)),
                new NonceService(600), allocations, new RelaySockets(io.netty.channel.socket.nio.NioDatagramChannel.class, time,
                        metrics), time);
        InboundRouter router = new InboundRouter(dispatcher, null, metrics, time, new UnauthenticatedLimiter(5, time));
        Embedded ch = new Embedded(UdpListenerHandler.relaying(router, false));
        InetSocketAddress spoofed = new InetSocketAddress("192.0.2.77", 5000); // the victim of a reflection
        byte[] binding = StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE);
        for (int i = 0; i < 50; i++) {
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(binding), Embedded.SERVER, spoofed));
        }
        int answers = 0;
        Object out;
        long answeredBytes = 0;
        while ((out = ch.readOutbound()) != null) {
            ByteBuf b = ((DatagramPacket) out).content();
            answeredBytes += b.readableBytes();
            b.release();
            answers++;
        }
        assertEquals(10, answers, "a burst of twice the rate, then silence");
        assertEquals(40, metrics.dropped("ratelimit"));
        System.out.printf("Binding: %d B request, %d B answer (amplification %.2f)%n", binding.length, answeredBytes / answers,
                (double) answeredBytes / answers / binding.length);
        ch.finishAndReleaseAll();

        // The 401 challenge and a 400: as small as the RFC allows (no SOFTWARE, no reason phrase).
        Embedded other = new Embedded(UdpListenerHandler.relaying(router, false));
        InetSocketAddress victim2 = new InetSocketAddress("192.0.2.78", 5000);
        byte[] allocate = StunCodec.toBytes(StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                .add(new org.turnctl.stun.attr.RequestedTransport(17)).build(), Protection.NONE);
        byte[] malformed = allocate.clone();
        malformed[23] = 3; // REQUESTED-TRANSPORT with a length of 3: 400
        for (byte[] req : List.of(allocate, malformed)) {
            other.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(req), Embedded.SERVER, victim2));
            ByteBuf b = ((DatagramPacket) other.readOutbound()).content();
            try {
                StunMessage r = StunCodec.decode(b.duplicate());
                var code = org.turnctl.stun.attr.ErrorCode.from(r).orElseThrow();
                assertEquals("", code.reason(), "no reason phrase on an unauthenticated error");
                assertFalse(r.has(0x8022), "no SOFTWARE");
                System.out.printf("%d: %d B request, %d B answer (amplification %.2f)%n", code.code(), req.length,
                        b.readableBytes(), (double) b.readableBytes() / req.length);
                assertTrue(b.readableBytes() <= 4 * req.length, "amplification bounded");
            } finally {
                b.release();
            }
        }
        other.finishAndReleaseAll();
    }
}
