package org.turnctl.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Where an allocation's client is: a UDP listener socket and address, or a TCP connection. */
public interface ClientSink {

    /** Sends one STUN or ChannelData message; takes ownership of the buffer. */
    void send(ByteBuf message);

    /** True for TCP/TLS, where ChannelData is padded to 4 bytes. */
    boolean isStream();

    ByteBufAllocator alloc();
}
