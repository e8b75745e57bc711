package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Demux;

class ChannelDataTest {

    private static ChannelData decode(String hex) throws StunDecodeException {
        ByteBuf in = Unpooled.wrappedBuffer(Hex.parse(hex));
        try {
            return ChannelData.decode(in);
        } finally {
            in.release();
        }
    }

    @Test
    void decodesAndKeepsOnlyThePayload() throws Exception {
        ChannelData cd = decode("4001 0005 68656c6c6f 000000"); // padding after the payload is accepted
        try {
            assertEquals(0x4001, cd.channelNumber());
            assertArrayEquals("hello".getBytes(), ByteBufUtil.getBytes(cd.content()));
        } finally {
            cd.release();
        }
        ChannelData empty = decode("7fff 0000");
        try {
            assertEquals(0x7FFF, empty.channelNumber());
            assertEquals(0, empty.content().readableBytes());
        } finally {
            empty.release();
        }
    }

    @Test
    void malformedChannelData() {
        StunDecodeException shortPayload = assertThrows(StunDecodeException.class, () -> decode("4001 0006 68656c6c6f"));
        assertTrue(shortPayload.getMessage().contains("runs past the end"), shortPayload.getMessage());
        StunDecodeException badNumber = assertThrows(StunDecodeException.class, () -> decode("8001 0000"));
        assertTrue(badNumber.getMessage().contains("channel number"), badNumber.getMessage());
        assertThrows(StunDecodeException.class, () -> decode("3fff 0000"));
        assertThrows(StunDecodeException.class, () -> decode("4001 00"));
        assertThrows(StunDecodeException.class, () -> decode(""));
    }

    @Test
    void channelRanges() {
        assertTrue(ChannelData.isChannelNumber(0x4000));
        assertTrue(ChannelData.isChannelNumber(0x7FFF));
        assertFalse(ChannelData.isChannelNumber(0x3FFF));
        assertFalse(ChannelData.isChannelNumber(0x8000));
        assertTrue(ChannelData.isStrictChannelNumber(0x4FFF));
        assertFalse(ChannelData.isStrictChannelNumber(0x5000));
        assertThrows(IllegalArgumentException.class, () -> new ChannelData(0x8000, Unpooled.EMPTY_BUFFER));
    }

    @Test
    void wireFormIsPaddedOnlyOnStreams() {
        ChannelData cd = new ChannelData(0x4ABC, Unpooled.wrappedBuffer("hello".getBytes()));
        try {
            ByteBuf udp = cd.toWire(ByteBufAllocator.DEFAULT, false);
            ByteBuf tcp = cd.toWire(ByteBufAllocator.DEFAULT, true);
            ByteBuf copied = Unpooled.buffer();
            try {
                assertArrayEquals(Hex.parse("4abc 0005 68656c6c6f"), ByteBufUtil.getBytes(udp));
                assertArrayEquals(Hex.parse("4abc 0005 68656c6c6f 000000"), ByteBufUtil.getBytes(tcp));
                cd.writeTo(copied, true);
                assertArrayEquals(ByteBufUtil.getBytes(tcp), ByteBufUtil.getBytes(copied));
                assertEquals(9, ChannelData.wireLength(5, false));
                assertEquals(12, ChannelData.wireLength(5, true));
                assertEquals(8, ChannelData.wireLength(4, true));
            } finally {
                udp.release();
                tcp.release();
                copied.release();
            }
            assertEquals(1, cd.refCnt(), "toWire retains what it uses and leaves the holder's reference alone");
        } finally {
            cd.release();
        }
    }

    @Test
    void demuxByFirstByte() {
        for (int b = 0; b < 256; b++) {
            Demux.Kind expected = b <= 3 ? Demux.Kind.STUN
                    : b >= 64 && b <= 127 ? Demux.Kind.CHANNEL_DATA
                    : b >= 20 && b <= 63 ? Demux.Kind.DTLS
                    : Demux.Kind.UNKNOWN;
            assertEquals(expected, Demux.classify(b), "byte " + b);
        }
        assertEquals(Demux.Kind.UNKNOWN, Demux.classify(Unpooled.EMPTY_BUFFER));
    }
}
