package org.turnctl.stun.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.ProtectedMessage;
import org.turnctl.stun.Protection;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunMessage;

/**
 * Addressed {@link StunMessage}, {@link ProtectedMessage} or {@link ChannelData} out as
 * datagrams. ChannelData goes unpadded and its payload is not copied.
 */
public final class StunDatagramEncoder extends MessageToMessageEncoder<AddressedEnvelope<?, InetSocketAddress>> {

    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        if (!super.acceptOutboundMessage(msg)) {
            return false;
        }
        Object content = ((AddressedEnvelope<?, ?>) msg).content();
        return content instanceof StunMessage || content instanceof ProtectedMessage || content instanceof ChannelData;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, AddressedEnvelope<?, InetSocketAddress> envelope, List<Object> out) {
        Object content = envelope.content();
        ByteBuf buf;
        if (content instanceof ChannelData data) {
            buf = data.toWire(ctx.alloc(), false);
        } else if (content instanceof ProtectedMessage pm) {
            buf = StunCodec.encode(pm.message(), pm.protection(), ctx.alloc());
        } else {
            buf = StunCodec.encode((StunMessage) content, Protection.NONE, ctx.alloc());
        }
        // The envelope itself is released by MessageToMessageEncoder after encode() returns.
        out.add(new DatagramPacket(buf, envelope.recipient(), envelope.sender()));
    }
}
