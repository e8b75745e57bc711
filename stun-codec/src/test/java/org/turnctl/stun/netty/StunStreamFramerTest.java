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
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Software;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/** The one Netty adapter the server pipelines use: cutting a byte stream into STUN/ChannelData frames. */
class StunStreamFramerTest {

    private static StunMessage refresh() {
        return StunMessage.builder(new MessageType(Method.REFRESH, MessageClass.REQUEST), TransactionId.random())
                .add(new Lifetime(0)).add(new Software("abc")).build();
    }

    private static StunMessage decodeAndRelease(ByteBuf frame) throws StunDecodeException {
        try {
            return StunCodec.decode(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] bytes(StunMessage msg, Protection p) {
        return StunCodec.toBytes(msg, p);
    }

    @Test
    void streamFramerReassemblesSplitMessagesAndDropsPadding() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new StunStreamFramer());
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
        assertEquals(msg.transactionId(), decodeAndRelease(ch.readInbound()).transactionId());
        ByteBuf frame = ch.readInbound();
        try {
            // The frame is the message without its stream padding.
            assertArrayEquals(new byte[] {0x40, 0x03, 0, 5, 'h', 'e', 'l', 'l', 'o'}, ByteBufUtil.getBytes(frame));
            assertEquals(5, ChannelData.payloadLength(frame));
        } finally {
            frame.release();
        }
        assertEquals(msg.transactionId(), decodeAndRelease(ch.readInbound()).transactionId());
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
}
