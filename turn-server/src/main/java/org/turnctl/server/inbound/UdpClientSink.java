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
    private final DeferredFlush deferredFlush;

    UdpClientSink(Channel listener, InetSocketAddress client, DeferredFlush deferredFlush) {
        this.listener = listener;
        this.client = client;
        this.deferredFlush = deferredFlush;
    }

    @Override
    public void send(ByteBuf message) {
        listener.writeAndFlush(new DatagramPacket(message, client), listener.voidPromise());
    }

    @Override
    public void write(ByteBuf message) {
        listener.write(new DatagramPacket(message, client), listener.voidPromise());
    }

    /** Relayed data: one flush of the listener per event-loop turn, for every client it serves. */
    @Override
    public void flush() {
        deferredFlush.request();
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
