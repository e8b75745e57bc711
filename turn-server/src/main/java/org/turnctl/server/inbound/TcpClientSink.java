package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import org.turnctl.server.allocation.ClientSink;

/** A TCP client: everything goes down its one connection. */
final class TcpClientSink implements ClientSink {
    private final Channel connection;

    TcpClientSink(Channel connection) {
        this.connection = connection;
    }

    @Override
    public void send(ByteBuf message) {
        connection.writeAndFlush(message, connection.voidPromise());
    }

    @Override
    public void write(ByteBuf message) {
        connection.write(message, connection.voidPromise());
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public boolean isStream() {
        return true;
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.alloc();
    }
}
