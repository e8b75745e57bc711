package org.turnctl.stun.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.ProtectedMessage;
import org.turnctl.stun.Protection;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunMessage;

/**
 * {@link StunMessage}, {@link ProtectedMessage} or {@link ChannelData} out onto a stream.
 * ChannelData is padded to 4 bytes (RFC 8656 section 12.5) and its payload is not copied.
 */
public final class StunStreamEncoder extends MessageToMessageEncoder<Object> {

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof StunMessage || msg instanceof ProtectedMessage || msg instanceof ChannelData;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof ChannelData data) {
            out.add(data.toWire(ctx.alloc(), true));
        } else if (msg instanceof ProtectedMessage pm) {
            out.add(StunCodec.encode(pm.message(), pm.protection(), ctx.alloc()));
        } else {
            out.add(StunCodec.encode((StunMessage) msg, Protection.NONE, ctx.alloc()));
        }
    }
}
