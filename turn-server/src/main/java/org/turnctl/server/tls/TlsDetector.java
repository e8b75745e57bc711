package org.turnctl.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * TURN over TCP and over TLS on one port (--tls-on-tcp-listeners): Netty's OptionalSslHandler
 * looks at a connection's first bytes and puts an SslHandler in its place for a TLS ClientHello
 * (a first byte of 0x16 can never start STUN or ChannelData, RFC 7983), or steps aside. The
 * SslHandler takes the store's current certificate, so a reload reaches it too.
 */
public final class TlsDetector extends OptionalSslHandler {
    private final CertificateStore store;

    public TlsDetector(CertificateStore store) {
        super(store.context());
        this.store = store;
    }

    @Override
    protected SslHandler newSslHandler(ChannelHandlerContext context, SslContext ignored) {
        return newHandler(store, context);
    }

    /** An SslHandler for a new server connection, with the handshake timeout. */
    public static SslHandler newHandler(CertificateStore store, ChannelHandlerContext context) {
        SslHandler h = store.context().newHandler(context.alloc());
        h.setHandshakeTimeoutMillis(CertificateStore.HANDSHAKE_TIMEOUT.toMillis());
        return h;
    }

    /** An SslHandler for a new server connection whose pipeline is being built. */
    public static SslHandler newHandler(CertificateStore store, io.netty.buffer.ByteBufAllocator alloc) {
        SslHandler h = store.context().newHandler(alloc);
        h.setHandshakeTimeoutMillis(CertificateStore.HANDSHAKE_TIMEOUT.toMillis());
        return h;
    }
}
