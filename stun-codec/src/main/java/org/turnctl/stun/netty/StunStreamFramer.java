package org.turnctl.stun.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Demux;
import org.turnctl.stun.codec.StunCodec;

/**
 * Cuts a TCP/TLS byte stream into STUN messages and ChannelData messages using their length
 * fields (RFC 8656 section 12.5: ChannelData is padded to 4 bytes on streams; the padding is
 * consumed here and not passed on). Emits one retained {@link ByteBuf} per message.
 *
 * <p>A stream cannot resynchronise after garbage, so a first byte that is neither STUN nor
 * ChannelData, or a frame longer than the maximum, raises a {@link CorruptedFrameException} or
 * {@link TooLongFrameException} with a clear message, and everything after it is discarded;
 * the owner should close the connection.
 */
public final class StunStreamFramer extends ByteToMessageDecoder {
    /** The longest STUN message the length field allows. */
    public static final int DEFAULT_MAX_FRAME = StunCodec.MAX_MESSAGE_LENGTH;

    private final int maxFrameLength;
    private boolean failed;

    public StunStreamFramer() {
        this(DEFAULT_MAX_FRAME);
    }

    public StunStreamFramer(int maxFrameLength) {
        if (maxFrameLength < StunCodec.HEADER_LENGTH) {
            throw new IllegalArgumentException("maximum frame must be at least 20 bytes: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            int at = in.readerIndex();
            int length = in.getUnsignedShort(at + 2);
            int frame;
            int consumed;
            switch (Demux.classify(in.getUnsignedByte(at))) {
                case STUN -> {
                    frame = StunCodec.HEADER_LENGTH + length;
                    consumed = frame;
                }
                case CHANNEL_DATA -> {
                    frame = ChannelData.HEADER_LENGTH + length;
                    consumed = ChannelData.wireLength(length, true);
                }
                default -> {
                    fail(in);
                    throw new CorruptedFrameException(String.format(
                            "stream byte 0x%02x starts neither STUN nor ChannelData", in.getUnsignedByte(at)));
                }
            }
            if (frame > maxFrameLength) {
                fail(in);
                throw new TooLongFrameException("frame of " + frame + " bytes exceeds the maximum of " + maxFrameLength);
            }
            if (in.readableBytes() < consumed) {
                return;
            }
            out.add(in.retainedSlice(at, frame));
            in.skipBytes(consumed);
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
