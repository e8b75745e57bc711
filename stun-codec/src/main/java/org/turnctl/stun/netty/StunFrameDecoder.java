package org.turnctl.stun.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.Demux;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;

/**
 * Frames from {@link StunStreamFramer} in, {@link org.turnctl.stun.StunMessage} or
 * {@link ChannelData} out. A malformed frame goes to the listener and is dropped; framing is
 * intact, so the connection can go on.
 */
public final class StunFrameDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final MalformedInputListener listener;

    public StunFrameDecoder() {
        this(MalformedInputListener.IGNORE);
    }

    public StunFrameDecoder(MalformedInputListener listener) {
        super(ByteBuf.class);
        this.listener = listener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        try {
            if (Demux.classify(frame) == Demux.Kind.CHANNEL_DATA) {
                out.add(ChannelData.decode(frame));
            } else {
                out.add(StunCodec.decode(frame));
            }
        } catch (StunDecodeException e) {
            listener.onMalformed(ctx.channel().remoteAddress(), e);
        }
    }
}
