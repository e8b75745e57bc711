package org.turnctl.server.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.server.CountingMetrics;
import org.turnctl.server.FakeTime;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.AllocationSlot;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.allocation.FiveTuple;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Quotas;
import org.turnctl.server.allocation.RelayAddresses;
import org.turnctl.server.allocation.Transport;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * Both directions of the data path on one allocation, with its relay socket an EmbeddedChannel
 * and time moved by hand: peer to client through {@link PeerHandler} (Data indication or
 * ChannelData, padded on streams), client to peer through {@link DataPath}, and every refusal
 * counted.
 */
class PeerPathTest {
    private static final InetSocketAddress RELAY = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40001);

    private final FakeTime time = new FakeTime();
    private final CountingMetrics metrics = new CountingMetrics();
    private final RecordingSink client = new RecordingSink();
    private EmbeddedChannel relay;
    private Allocation allocation;

    /** The relay socket: a PeerHandler on a channel bound to RELAY. */
    private void allocate(boolean stream) {
        client.stream = stream;
        relay = new EmbeddedChannel(new PeerHandler(time, metrics)) {
            @Override
            protected SocketAddress localAddress0() {
                return RELAY;
            }
        };
        AllocationManager manager = new AllocationManager(new PortPool(49152, 65535), new Quotas(0, 0),
                new RelayAddresses(InetAddress.getLoopbackAddress(), null, Map.of()), metrics);
        AllocationSlot slot = new AllocationSlot() {
            private Allocation held;

            @Override
            public Allocation get() {
                return held;
            }

            @Override
            public void set(Allocation a) {
                held = a;
            }

            @Override
            public void clear(Allocation a) {
                held = null;
            }
        };
        allocation = manager.create(new AllocationManager.Grant(new FiveTuple(CLIENT, RELAY, stream ? Transport.TCP : Transport.UDP),
                "alice", "alice", new byte[16], client, relay, time.nowMillis() + 600_000, 600), relay.eventLoop(), slot);
        RelaySockets.attach(allocation);
    }

    @AfterEach
    void tearDown() {
        allocation.delete("test");
        relay.finishAndReleaseAll();
        client.release();
    }

    private void fromPeer(byte[] payload) {
        relay.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(payload), RELAY, PEER));
    }

    private void permit() {
        allocation.permit(PEER.getAddress(), time.nowMillis(), time.nowMillis() + ServerConfig.PERMISSION_LIFETIME * 1000, false);
    }

    @Test
    void peerWithoutPermissionIsDroppedAndCounted() {
        allocate(false);
        fromPeer(new byte[] {1, 2, 3});
        assertTrue(client.written.isEmpty());
        assertEquals(1, metrics.dropped("no_permission"));
    }

    @Test
    void peerWithPermissionReachesTheClientAsADataIndication() throws Exception {
        allocate(false);
        permit();
        fromPeer(new byte[] {1, 2, 3});
        assertEquals(1, client.written.size());
        assertEquals(1, client.flushes, "flushed once at the end of the read burst");
        StunMessage m = StunCodec.decode(client.written.get(0));
        assertEquals(Method.DATA, m.method());
        assertEquals(MessageClass.INDICATION, m.messageClass());
        assertEquals(PEER, XorPeerAddress.from(m).orElseThrow().address());
        assertArrayEquals(new byte[] {1, 2, 3}, Data.from(m).orElseThrow().value().toByteArray());
        assertEquals(1, allocation.packetsToClient());
        assertEquals(3, allocation.bytesToClient());
    }

    @Test
    void aBoundChannelCarriesThePeerAsChannelDataPaddedOnStreamsOnly() {
        for (boolean stream : new boolean[] {false, true}) {
            client.release();
            allocate(stream);
            permit();
            allocation.bind(0x4001, PEER, time.nowMillis() + ServerConfig.CHANNEL_LIFETIME * 1000);
            fromPeer(new byte[] {7, 7, 7, 7, 7});
            byte[] expected = stream ? new byte[] {0x40, 0x01, 0, 5, 7, 7, 7, 7, 7, 0, 0, 0}
                    : new byte[] {0x40, 0x01, 0, 5, 7, 7, 7, 7, 7};
            assertArrayEquals(expected, ByteBufUtil.getBytes(client.written.get(0)), "stream " + stream);
            allocation.delete("next");
            relay.finishAndReleaseAll();
        }
    }

    @Test
    void anExpiredPermissionStopsThePeerAndDataNeverRefreshesIt() {
        allocate(false);
        permit();
        time.advanceSeconds(ServerConfig.PERMISSION_LIFETIME - 1);
        fromPeer(new byte[] {1});
        assertEquals(1, client.written.size());
        time.advanceSeconds(2);
        fromPeer(new byte[] {2});
        assertEquals(1, client.written.size(), "RFC 8656 section 9: 300 s, and data does not refresh");
        assertEquals(1, metrics.dropped("no_permission"));
    }

    @Test
    void clientChannelDataGoesToTheBoundPeerAsASliceOfTheFrame() {
        allocate(false);
        permit();
        allocation.bind(0x4001, PEER, time.nowMillis() + ServerConfig.CHANNEL_LIFETIME * 1000);
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x40, 0x01, 0, 2, 5, 6});
        assertTrue(DataPath.channelData(allocation, frame, time.nowMillis()));
        frame.release();
        relay.flushOutbound();
        DatagramPacket out = relay.readOutbound();
        try {
            assertEquals(PEER, out.recipient());
            assertArrayEquals(new byte[] {5, 6}, ByteBufUtil.getBytes(out.content()));
        } finally {
            out.release();
        }
        assertEquals(1, allocation.packetsToPeer());
        assertEquals(1, metrics.relayedToPeer());
    }

    @Test
    void clientDataRefusals() {
        allocate(false);
        ByteBuf unbound = Unpooled.wrappedBuffer(new byte[] {0x40, 0x02, 0, 1, 5});
        assertFalse(DataPath.channelData(allocation, unbound, time.nowMillis()));
        unbound.release();
        assertEquals(1, metrics.dropped("no_channel"));
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {0x40, 0x02, 0, 9, 5});
        assertFalse(DataPath.channelData(allocation, truncated, time.nowMillis()));
        truncated.release();
        assertEquals(1, metrics.dropped("malformed"));
        ByteBuf send = Unpooled.wrappedBuffer(StunCodec.toBytes(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(PEER)).add(Data.of(new byte[] {1})).build(), Protection.NONE));
        assertFalse(DataPath.sendIndication(allocation, send, time.nowMillis()), "no permission yet");
        assertEquals(1, metrics.dropped("no_permission"));
        permit();
        assertTrue(DataPath.sendIndication(allocation, send, time.nowMillis()));
        send.release();
        relay.flushOutbound();
        DatagramPacket out = relay.readOutbound();
        assertArrayEquals(new byte[] {1}, ByteBufUtil.getBytes(out.content()));
        out.release();
        assertNull(relay.readOutbound());
    }

    /** Records what the peer path writes to the client. */
    private static final class RecordingSink implements ClientSink {
        final List<ByteBuf> written = new ArrayList<>();
        boolean stream;
        int flushes;

        @Override
        public void send(ByteBuf message) {
            written.add(message);
            flushes++;
        }

        @Override
        public void write(ByteBuf message) {
            written.add(message);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public boolean isStream() {
            return stream;
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        void release() {
            written.forEach(ByteBuf::release);
            written.clear();
            flushes = 0;
        }
    }
}
