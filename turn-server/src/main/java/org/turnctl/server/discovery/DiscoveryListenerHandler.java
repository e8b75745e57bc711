package org.turnctl.server.discovery;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.turnctl.stun.Demux;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;

/** One of the three extra sockets of {@link BehaviorDiscovery}: Binding only, anything else is dropped. */
public final class DiscoveryListenerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final BehaviorDiscovery discovery;
    private final int ip;
    private final int port;

    public DiscoveryListenerHandler(BehaviorDiscovery discovery, int ip, int port) {
        this.discovery = discovery;
        this.ip = ip;
        this.port = port;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (Demux.classify(packet.content()) != Demux.Kind.STUN) {
            return;
        }
        StunMessage msg;
        try {
            msg = StunCodec.decode(packet.content());
        } catch (StunDecodeException e) {
            return;
        }
        if (msg.type().equals(MessageType.BINDING_REQUEST)) {
            discovery.answer(msg, org.turnctl.server.Addresses.unmapped(packet.sender()), ip, port, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and the like: a listener outlives them.
    }
}
