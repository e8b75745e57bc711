package org.turnctl.stun.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.ProtectedMessage;
import org.turnctl.stun.Protection;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Software;

class NettyAdaptersTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);

    private static StunMessage refresh() {
        return StunMessage.builder(new MessageType(Method.REFRESH, MessageClass.REQUEST), TransactionId.random())
                .add(new Lifetime(0)).add(new Software("abc")).build();
    }

    private static byte[] bytes(StunMessage msg, Protection p) {
        return StunCodec.toBytes(msg, p);
    }

    @Test
    void datagramsDecodeToEnvelopesAndGarbageIsDroppedAndReported() {
        List<StunDecodeException> dropped = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new StunDatagramDecoder((sender, e) -> dropped.add(e)));
        StunMessage msg = refresh();
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes(msg, Protection.FINGERPRINT)), SERVER, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0x40, 0x01, 0, 2, 7, 7}), SERVER, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 1, 2, 3}), SERVER, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 4}), SERVER, CLIENT));
        ch.writeInbound(new DatagramPacket(Unpooled.EMPTY_BUFFER, SERVER, CLIENT));

        AddressedEnvelope<?, ?> first = ch.readInbound();
        assertEquals(CLIENT, first.sender());
        assertEquals(SERVER, first.recipient());
        StunMessage decoded = (StunMessage) first.content();
        assertEquals(msg.transactionId(), decoded.transactionId());
        assertEquals(Lifetime.from(msg), Lifetime.from(decoded));

        AddressedEnvelope<?, ?> second = ch.readInbound();
        ChannelData cd = (ChannelData) second.content();
        assertEquals(0x4001, cd.channelNumber());
        assertArrayEquals(new byte[] {7, 7}, ByteBufUtil.getBytes(cd.content()));
        second.release();

        assertNull(ch.readInbound());
        assertEquals(3, dropped.size());
        assertTrue(ch.isOpen(), "a bad packet never closes the listener");
        assertFalse(ch.finish());
    }

    @Test
    void datagramEncoderWritesMessagesAndChannelData() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new StunDatagramEncoder());
        StunMessage msg = refresh();
        ch.writeOutbound(new DefaultAddressedEnvelope<>(new ProtectedMessage(msg, Protection.FINGERPRINT), CLIENT, SERVER));
        ch.writeOutbound(new DefaultAddressedEnvelope<>(
                new ChannelData(0x4002, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})), CLIENT, SERVER));

        DatagramPacket p1 = ch.readOutbound();
        try {
            assertEquals(CLIENT, p1.recipient());
            StunMessage back = StunCodec.decode(p1.content());
            assertEquals(msg.transactionId(), back.transactionId());
            assertTrue(org.turnctl.stun.Fingerprint.verify(back));
        } finally {
            p1.release();
        }
        DatagramPacket p2 = ch.readOutbound();
        try {
            assertArrayEquals(new byte[] {0x40, 0x02, 0, 3, 1, 2, 3}, ByteBufUtil.getBytes(p2.content()));
        } finally {
            p2.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void streamFramerReassemblesSplitMessagesAndDropsPadding() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new StunStreamFramer(), new StunFrameDecoder());
        StunMessage msg = refresh();
        byte[] stun = bytes(msg, Protection.NONE);
        byte[] cd = {0x40, 0x03, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0};
        byte[] stream = new byte[stun.length + cd.length + stun.length];
        System.arraycopy(stun, 0, stream, 0, stun.length);
        System.arraycopy(cd, 0, stream, stun.length, cd.length);
        System.arraycopy(stun, 0, stream, stun.length + cd.length, stun.length);
        // Feed the stream one byte at a time: framing must not depend on read boundaries.
        for (byte b : stream) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(msg.transactionId(), ((StunMessage) ch.readInbound()).transactionId());
        ChannelData data = ch.readInbound();
        assertArrayEquals("hello".getBytes(), ByteBufUtil.getBytes(data.content()));
        data.release();
        assertInstanceOf(StunMessage.class, ch.readInbound());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void streamFramerRejectsOversizedFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new StunStreamFramer(1500));
        byte[] header = {0, 1, 0x08, 0, 0x21, 0x12, (byte) 0xA4, 0x42};
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(header)));
        assertInstanceOf(TooLongFrameException.class, e);
        assertTrue(e.getMessage().contains("exceeds the maximum of 1500"), e.getMessage());
        // Everything after the failure is discarded.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[64]));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void streamFramerRejectsGarbage() {
        EmbeddedChannel ch = new EmbeddedChannel(new StunStreamFramer());
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x16, 3, 1, 0, 0})));
        assertInstanceOf(CorruptedFrameException.class, e);
        assertTrue(e.getMessage().contains("neither STUN nor ChannelData"), e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void streamEncoderPadsChannelData() {
        EmbeddedChannel ch = new EmbeddedChannel(new StunStreamEncoder());
        ch.writeOutbound(new ChannelData(0x4004, Unpooled.wrappedBuffer(new byte[] {9})));
        ch.writeOutbound(refresh());
        ByteBuf cd = ch.readOutbound();
        try {
            assertArrayEquals(new byte[] {0x40, 0x04, 0, 1, 9, 0, 0, 0}, ByteBufUtil.getBytes(cd));
        } finally {
            cd.release();
        }
        ByteBuf stun = ch.readOutbound();
        try {
            assertTrue(StunCodec.looksLikeStun(stun));
        } finally {
            stun.release();
        }
        assertFalse(ch.finish());
    }
}
