package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import org.turnctl.server.allocation.ClientSink;
import org.turnctl.server.limit.Readers;

/**
 * A TCP or TLS client: everything goes down its one connection.
 *
 * <p>Over TLS a relayed message is made one buffer before it is written. The data path builds
 * ChannelData and Data indications as composites (header, payload, padding) so that plain TCP
 * sends them with one gathering write and no copy; but BoringSSL seals each component as a TLS
 * record of its own, which costs two records' overhead per packet and breaks clients that expect
 * a message per record (coturn's uclient). Encryption copies the bytes anyway, so the extra copy
 * of a small packet is noise.
 */
final class TcpClientSink implements ClientSink {
    private final Channel connection;
    /** Whether the connection is TLS; known after its first bytes (a TLS port or a detected ClientHello). */
    private Boolean tls;

    TcpClientSink(Channel connection) {
        this.connection = connection;
    }

    @Override
    public void send(ByteBuf message) {
        connection.writeAndFlush(forTransport(message), connection.voidPromise());
    }

    @Override
    public void write(ByteBuf message) {
        connection.write(forTransport(message), connection.voidPromise());
    }

    private ByteBuf forTransport(ByteBuf message) {
        if (tls == null) {
            tls = connection.pipeline().get(SslHandler.class) != null;
        }
        if (!tls || !(message instanceof CompositeByteBuf composite) || composite.numComponents() < 2) {
            return message;
        }
        try {
            return connection.alloc().directBuffer(composite.readableBytes()).writeBytes(composite);
        } finally {
            composite.release();
        }
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

    @Override
    public Channel connection() {
        return connection;
    }

    /** Reading resumes by itself; a later pause while paused is already covered by the debt it added. */
    @Override
    public void pauseReading(long millis) {
        Readers.pause(connection, millis);
    }
}
