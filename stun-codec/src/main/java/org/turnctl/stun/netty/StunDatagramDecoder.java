package org.turnctl.stun.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import org.turnctl.stun.ChannelData;
import org.turnctl.stun.Demux;
import org.turnctl.stun.StunCodec;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;

/**
 * Datagrams in, addressed STUN messages and ChannelData out
 * ({@code AddressedEnvelope<StunMessage|ChannelData, InetSocketAddress>}). A packet that is
 * neither, or is malformed, goes to the listener and is dropped: a bad packet never closes the
 * channel.
 */
public final class StunDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {
    private final MalformedInputListener listener;

    public StunDatagramDecoder() {
        this(MalformedInputListener.IGNORE);
    }

    public StunDatagramDecoder(MalformedInputListener listener) {
        super(DatagramPacket.class);
        this.listener = listener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        InetSocketAddress sender = packet.sender();
        InetSocketAddress recipient = packet.recipient();
        try {
            switch (Demux.classify(packet.content())) {
                case STUN -> {
                    StunMessage msg = StunCodec.decode(packet.content());
                    out.add(new DefaultAddressedEnvelope<>(msg, recipient, sender));
                }
                case CHANNEL_DATA -> {
                    ChannelData data = ChannelData.decode(packet.content());
                    out.add(new DefaultAddressedEnvelope<>(data, recipient, sender));
                }
                default -> listener.onMalformed(sender, new StunDecodeException(
                        "neither STUN nor ChannelData (first byte " + firstByte(packet) + ")"));
            }
        } catch (StunDecodeException e) {
            listener.onMalformed(sender, e);
        }
    }

    private static String firstByte(DatagramPacket packet) {
        return packet.content().isReadable()
                ? String.valueOf(packet.content().getUnsignedByte(packet.content().readerIndex()))
                : "none: empty datagram";
    }
}
