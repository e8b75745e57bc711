package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.DontFragment;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.DataIndication;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.SendIndicationReader;
import org.turnctl.stun.codec.StunCodec;

/**
 * The relay's zero-copy readers and writers agree with the full codec: what {@link DataIndication}
 * and {@link ChannelData#wire} write decodes to the same peer and payload, and what
 * {@link SendIndicationReader} reads in place is what {@link StunCodec#decode} finds.
 */
class InPlaceDataTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void dataIndicationDecodesToPeerAndPayload() throws Exception {
        Random rnd = new Random(20261130);
        for (String host : new String[] {"192.0.2.7", "2001:db8::1234"}) {
            for (int length : new int[] {0, 1, 2, 3, 4, 5, 159, 160, 1200}) {
                byte[] payload = new byte[length];
                rnd.nextBytes(payload);
                InetSocketAddress peer = new InetSocketAddress(host, 1 + rnd.nextInt(65535));
                ByteBuf in = Unpooled.wrappedBuffer(payload);
                ByteBuf wire = DataIndication.wire(ALLOC, peer, in);
                try {
                    assertEquals(0, wire.readableBytes() % 4, "padded to 4");
                    StunMessage m = StunCodec.decode(wire);
                    assertEquals(MessageType.of(Method.DATA, MessageClass.INDICATION), m.type());
                    assertEquals(peer, XorPeerAddress.from(m).orElseThrow().address());
                    assertArrayEquals(payload, Data.from(m).orElseThrow().value().toByteArray());
                } finally {
                    wire.release();
                    assertEquals(1, in.refCnt(), "the caller keeps its reference");
                    in.release();
                }
            }
        }
    }

    @Test
    void channelDataIsPaddedOnStreamsOnly() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {9, 8, 7, 6, 5});
        ByteBuf udp = ChannelData.wire(ALLOC, 0x4001, payload, false);
        ByteBuf tcp = ChannelData.wire(ALLOC, 0x4001, payload, true);
        try {
            assertArrayEquals(Hex.parse("4001 0005 0908070605"), ByteBufUtil.getBytes(udp));
            assertArrayEquals(Hex.parse("4001 0005 0908070605 000000"), ByteBufUtil.getBytes(tcp));
            assertEquals(0x4001, ChannelData.channelNumber(tcp));
            assertEquals(5, ChannelData.payloadLength(tcp));
        } finally {
            udp.release();
            tcp.release();
            assertEquals(1, payload.refCnt());
            payload.release();
        }
    }

    @Test
    void channelDataLengthPastTheEndIsRefused() {
        assertEquals(-1, ChannelData.payloadLength(Unpooled.wrappedBuffer(Hex.parse("4001 0006 68656c6c6f"))));
        assertEquals(-1, ChannelData.payloadLength(Unpooled.wrappedBuffer(Hex.parse("4001 00"))));
        assertEquals(0, ChannelData.payloadLength(Unpooled.wrappedBuffer(Hex.parse("4001 0000"))));
    }

    @Test
    void sendIndicationReadInPlaceMatchesTheFullDecode() throws Exception {
        SendIndicationReader reader = new SendIndicationReader();
        for (String host : new String[] {"198.51.100.9", "2001:db8::9"}) {
            InetSocketAddress peer = new InetSocketAddress(host, 3478);
            byte[] raw = StunCodec.toBytes(send().add(new XorPeerAddress(peer)).add(Data.of(new byte[] {1, 2, 3})).build(),
                    Protection.FINGERPRINT);
            ByteBuf in = Unpooled.wrappedBuffer(raw);
            assertTrue(SendIndicationReader.isSendIndication(in));
            assertEquals(SendIndicationReader.Result.OK, reader.read(in));
            assertEquals(peer, reader.peer(in));
            assertArrayEquals(new byte[] {1, 2, 3}, ByteBufUtil.getBytes(in, reader.dataIndex(), reader.dataLength()));
            assertEquals(0, in.readerIndex(), "the buffer is not consumed");
        }
    }

    @Test
    void sendIndicationRejections() {
        SendIndicationReader reader = new SendIndicationReader();
        InetSocketAddress peer = new InetSocketAddress("198.51.100.9", 3478);
        byte[] noData = StunCodec.toBytes(send().add(new XorPeerAddress(peer)).build(), Protection.NONE);
        assertEquals(SendIndicationReader.Result.MALFORMED, reader.read(Unpooled.wrappedBuffer(noData)));
        byte[] df = StunCodec.toBytes(send().add(new XorPeerAddress(peer)).add(Data.of(new byte[1]))
                .add(DontFragment.INSTANCE).build(), Protection.NONE);
        assertEquals(SendIndicationReader.Result.DONT_FRAGMENT, reader.read(Unpooled.wrappedBuffer(df)));
        byte[] unknown = StunCodec.toBytes(send().add(new XorPeerAddress(peer)).add(Data.of(new byte[1]))
                .add(new UnknownAttribute(0x7F01, Octets.of(new byte[4]))).build(), Protection.NONE);
        assertEquals(SendIndicationReader.Result.UNKNOWN_ATTRIBUTE, reader.read(Unpooled.wrappedBuffer(unknown)));
        byte[] truncated = java.util.Arrays.copyOf(noData, noData.length - 4);
        assertEquals(SendIndicationReader.Result.MALFORMED, reader.read(Unpooled.wrappedBuffer(truncated)));
        byte[] binding = StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE);
        assertFalse(SendIndicationReader.isSendIndication(Unpooled.wrappedBuffer(binding)));
        byte[] withData = StunCodec.toBytes(send().add(new XorPeerAddress(peer)).add(Data.of(new byte[1])).build(),
                Protection.NONE);
        withData[20 + 4 + 1] = 3; // family 3
        assertEquals(SendIndicationReader.Result.OK, reader.read(Unpooled.wrappedBuffer(withData)));
        assertNull(reader.peer(Unpooled.wrappedBuffer(withData)));
    }

    private static StunMessage.Builder send() {
        return StunMessage.builder(Method.SEND, MessageClass.INDICATION);
    }
}
