package org.turnctl.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.inbound.DtlsListenerHandler;
import org.turnctl.server.inbound.ConnectionLimits;
import org.turnctl.server.inbound.InboundRouter;
import org.turnctl.server.inbound.TcpConnectionHandler;
import org.turnctl.server.inbound.UdpListenerHandler;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.net.Addresses;
import org.turnctl.server.tls.CertificateStore;
import org.turnctl.server.tls.TlsDetector;
import org.turnctl.server.tls.TlsHandshakeObserver;
import org.turnctl.stun.netty.StunStreamFramer;

/**
 * Binds the listening sockets and builds their pipelines. Every pipeline ends in the same
 * {@link InboundRouter}; what differs per transport is only how bytes become frames:
 * <ul>
 *   <li>UDP: {@link UdpListenerHandler} (a datagram is a frame);</li>
 *   <li>TCP: {@link IdleStateHandler}, {@link StunStreamFramer}, {@link TcpConnectionHandler};</li>
 *   <li>TLS: the same with an SslHandler (and its {@link TlsHandshakeObserver}) in front of the
 *       framer; with --tls-on-tcp-listeners a {@link TlsDetector} on the TCP listeners adds one
 *       when a connection starts with a ClientHello.</li>
 * </ul>
 * What was bound is kept, so that a failure part way through closes the rest.
 */
final class Listeners {
    /** Seconds a TCP connection without an allocation may stay silent (tests shorten it). */
    static final int TCP_IDLE_SECONDS = Integer.getInteger("turnctl.tcpIdleSeconds", 60);

    private final EventLoopGroup group;
    private final Transports transports;
    private final InboundRouter router;
    private final TurnMetrics metrics;
    private final List<Channel> channels = new ArrayList<>();
    private final ConnectionLimits connectionLimits;

    Listeners(EventLoopGroup group, Transports transports, InboundRouter router, TurnMetrics metrics) {
        this(group, transports, router, metrics, new ConnectionLimits(0, 0, metrics));
    }

    Listeners(EventLoopGroup group, Transports transports, InboundRouter router, TurnMetrics metrics,
            ConnectionLimits connectionLimits) {
        this.group = group;
        this.transports = transports;
        this.router = router;
        this.metrics = metrics;
        this.connectionLimits = connectionLimits;
    }

    List<Channel> channels() {
        return channels;
    }

    /**
     * One UDP socket per event loop with SO_REUSEPORT (epoll), else one socket. Returns the
     * address bound (port 0 picks a port; the other sockets share it). The first socket is
     * returned through {@code first} for RFC 5780, which answers from it as A1:P1.
     */
    InetSocketAddress bindUdp(InetSocketAddress listen, int threads, boolean discovery, Channel[] first)
            throws TurnServer.StartException {
        int sockets = transports.reusePort() ? threads : 1;
        int port = listen.getPort();
        for (int i = 0; i < sockets; i++) {
            Bootstrap b = new Bootstrap().group(group).channel(transports.datagram())
                    .handler(UdpListenerHandler.relaying(router, discovery));
            if (transports.reusePort()) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            Channel ch = await(b.bind(new InetSocketAddress(listen.getAddress(), port)), "udp",
                    new InetSocketAddress(listen.getAddress(), port));
            if (i == 0) {
                first[0] = ch;
            }
            port = ((InetSocketAddress) ch.localAddress()).getPort();
        }
        return new InetSocketAddress(listen.getAddress(), port);
    }

    /**
     * UDP and TCP on one address and port. With port 0 the UDP socket picks the port and TCP must
     * get the same one; when another process holds that port for TCP (the ephemeral range is
     * shared), the UDP sockets are closed and another port is tried, a few times.
     */
    InetSocketAddress[] bindUdpAndTcp(InetSocketAddress listen, int threads, boolean discovery, Channel[] first,
            CertificateStore tls, boolean detectTls) throws TurnServer.StartException {
        for (int attempt = 1;; attempt++) {
            int before = channels.size();
            InetSocketAddress udp = bindUdp(listen, threads, discovery, first);
            try {
                return new InetSocketAddress[] {udp, bindTcp(udp, tls, detectTls)};
            } catch (TurnServer.StartException e) {
                if (listen.getPort() != 0 || attempt == 5) {
                    throw e;
                }
                List<Channel> udpSockets = channels.subList(before, channels.size());
                for (Channel c : udpSockets) {
                    c.close().awaitUninterruptibly();
                }
                udpSockets.clear();
            }
        }
    }

    /**
     * A TCP listener; with a certificate store and {@code detectTls}, a connection that starts
     * with a TLS ClientHello is served over TLS. TCP never sets SO_REUSEPORT, so a second
     * instance on the same port fails loudly.
     */
    InetSocketAddress bindTcp(InetSocketAddress at, CertificateStore tls, boolean detectTls) throws TurnServer.StartException {
        return bindStream(at, "tcp", ch -> {
            ch.pipeline().addLast(new IdleStateHandler(TCP_IDLE_SECONDS, 0, 0));
            if (detectTls) {
                ch.pipeline().addLast(new TlsDetector(tls), new TlsHandshakeObserver(metrics));
            }
        });
    }

    /** A TLS listener: every connection is TLS, and its handshake must finish within 10 s. */
    InetSocketAddress bindTls(InetSocketAddress at, CertificateStore tls) throws TurnServer.StartException {
        return bindStream(at, "tls", ch -> ch.pipeline().addLast(new IdleStateHandler(TCP_IDLE_SECONDS, 0, 0),
                TlsDetector.newHandler(tls, ch.alloc()), new TlsHandshakeObserver(metrics)));
    }

    /** A DTLS listener: one socket, its sessions kept by its {@link DtlsListenerHandler}. */
    InetSocketAddress bindDtls(InetSocketAddress at, CertificateStore tls, TimeSource clock) throws TurnServer.StartException {
        Bootstrap b = new Bootstrap().group(group).channel(transports.datagram())
                .handler(new DtlsListenerHandler(router, tls, metrics, clock));
        return (InetSocketAddress) await(b.bind(at), "dtls", at).localAddress();
    }

    /** The stream pipeline: what {@code front} adds (idle timer, TLS), then framing, then the router. */
    private InetSocketAddress bindStream(InetSocketAddress at, String what, java.util.function.Consumer<SocketChannel> front)
            throws TurnServer.StartException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transports.serverSocket())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!connectionLimits.admit(ch)) {
                            return; // over --max-tcp-connections(-per-ip): closed at accept
                        }
                        // A connection that holds no allocation may not sit idle forever (slowloris);
                        // one with an allocation lives as long as the allocation does.
                        front.accept(ch);
                        ch.pipeline().addLast(new StunStreamFramer(), new TcpConnectionHandler(router));
                    }
                });
        return (InetSocketAddress) await(b.bind(at), what, at).localAddress();
    }

    /**
     * RFC 5780: the three extra UDP sockets A1:P2, A2:P1, A2:P2 next to the primary A1:P1, whose
     * first socket answers for A1:P1 when a CHANGE-REQUEST sends an answer there.
     */
    void bindDiscovery(BehaviorDiscovery discovery, InetSocketAddress primary, Channel primaryChannel,
            InetSocketAddress alt) throws TurnServer.StartException {
        discovery.register(0, 0, primary, primaryChannel);
        InetAddress[] ips = {primary.getAddress(), alt.getAddress()};
        int[] ports = {primary.getPort(), alt.getPort()};
        for (int ip = 0; ip < 2; ip++) {
            for (int port = 0; port < 2; port++) {
                if (ip == 0 && port == 0) {
                    continue;
                }
                InetSocketAddress at = new InetSocketAddress(ips[ip], ports[port]);
                Channel ch = await(new Bootstrap().group(group).channel(transports.datagram())
                        .handler(UdpListenerHandler.discoveryOnly(router, new BehaviorDiscovery.Position(ip, port)))
                        .bind(at), "udp", at);
                discovery.register(ip, port, at, ch);
            }
        }
    }

    private Channel await(ChannelFuture f, String what, InetSocketAddress at) throws TurnServer.StartException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : String.valueOf(cause);
            throw new TurnServer.StartException("cannot listen on " + what + " " + Addresses.format(at) + ": " + why, cause);
        }
        channels.add(f.channel());
        return f.channel();
    }
}
