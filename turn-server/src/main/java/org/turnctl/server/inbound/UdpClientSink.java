package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.turnctl.server.allocation.ClientSink;

/** A UDP client: replies leave through the listener socket the client talks to. */
final class UdpClientSink implements ClientSink {
    private final Channel listener;
    private final InetSocketAddress client;

    UdpClientSink(Channel listener, InetSocketAddress client) {
        this.listener = listener;
        this.client = client;
    }

    @Override
    public void send(ByteBuf message) {
        listener.writeAndFlush(new DatagramPacket(message, client), listener.voidPromise());
    }

    @Override
    public void write(ByteBuf message) {
        listener.write(new DatagramPacket(message, client), listener.voidPromise());
    }

    @Override
    public void flush() {
        listener.flush();
    }

    @Override
    public boolean isStream() {
        return false;
    }

    @Override
    public ByteBufAllocator alloc() {
        return listener.alloc();
    }
}
