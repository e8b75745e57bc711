package org.turnctl.server.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Where an allocation's client is: a UDP listener socket and address, or a TCP connection. */
public interface ClientSink {

    /** Sends one STUN or ChannelData message now (write and flush); takes ownership of the buffer. */
    void send(ByteBuf message);

    /**
     * Queues one relayed message without flushing; takes ownership. The data path writes a batch
     * and {@link #flush()}es once per read burst: one syscall for many datagrams.
     */
    void write(ByteBuf message);

    void flush();

    /** True for TCP/TLS, where ChannelData is padded to 4 bytes. */
    boolean isStream();

    ByteBufAllocator alloc();

    /**
     * Stops reading from the client for {@code millis} (--max-bps on a stream: backpressure, not
     * loss). Datagram clients have nothing to pause: their excess is dropped instead.
     */
    default void pauseReading(long millis) {
    }

    /** The client's own connection, for a stream client (RFC 6062's ConnectionBind turns it into a data connection); else null. */
    default io.netty.channel.Channel connection() {
        return null;
    }
}
