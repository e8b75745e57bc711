package org.turnctl.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.stun.netty.StunStreamFramer;

/**
 * The TURN server: event loops, UDP and TCP listeners, the per-loop sweep. {@link #start}
 * binds everything or fails with a {@link StartException} saying what could not be bound;
 * {@link #close} deletes every allocation and stops within a few seconds.
 */
public final class TurnServer implements AutoCloseable {
    /** Seconds a TCP connection without an allocation may stay silent (tests shorten it). */
    static final int TCP_IDLE_SECONDS = Integer.getInteger("turnctl.tcpIdleSeconds", 60);

    private final ServerContext context;
    private final EventLoopGroup group;
    private final List<Channel> listeners;
    private final List<InetSocketAddress> udpAddresses;
    private final List<InetSocketAddress> tcpAddresses;
    private final List<ScheduledFuture<?>> sweeps;
    private final String transportName;

    /** Start-up failed: a port in use, an address not on this host. The message is for the operator. */
    public static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TurnServer(ServerContext context, EventLoopGroup group, List<Channel> listeners,
            List<InetSocketAddress> udp, List<InetSocketAddress> tcp, List<ScheduledFuture<?>> sweeps, String transport) {
        this.context = context;
        this.group = group;
        this.listeners = listeners;
        this.udpAddresses = udp;
        this.tcpAddresses = tcp;
        this.sweeps = sweeps;
        this.transportName = transport;
    }

    public static TurnServer start(ServerConfig config) throws StartException {
        return start(config, org.turnctl.server.metrics.TurnMetrics.NOOP);
    }

    /** Starts with a metrics recorder (see {@link org.turnctl.server.metrics.Operations}). */
    public static TurnServer start(ServerConfig config, org.turnctl.server.metrics.TurnMetrics metrics) throws StartException {
        return start(config, Transports.best(), metrics);
    }

    static TurnServer start(ServerConfig config, Transports transports, org.turnctl.server.metrics.TurnMetrics metrics)
            throws StartException {
        InetAddress relayV4 = null;
        InetAddress relayV6 = null;
        for (InetAddress a : config.relayIps()) {
            if (a instanceof Inet4Address) {
                relayV4 = a;
            } else {
                relayV6 = a;
            }
        }
        if (relayV4 == null && relayV6 == null) {
            for (InetSocketAddress l : config.listen()) {
                InetAddress a = l.getAddress();
                if (a.isAnyLocalAddress()) {
                    relayV4 = relayV4 != null ? relayV4 : firstHostIpv4();
                } else if (a instanceof Inet4Address && relayV4 == null) {
                    relayV4 = a;
                } else if (a instanceof Inet6Address && relayV6 == null) {
                    relayV6 = a;
                }
            }
        }
        if (relayV4 == null && relayV6 == null) {
            throw new StartException("no relay address: give --relay-ip (no IPv4 address found on this host)", null);
        }
        int threads = config.effectiveThreads();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, transports.ioHandlerFactory());
        ServerContext context = new ServerContext(config, relayV4, relayV6, transports.datagram(), metrics);
        RequestDispatcher dispatcher = new RequestDispatcher(context);
        List<Channel> listeners = new ArrayList<>();
        List<InetSocketAddress> udp = new ArrayList<>();
        List<InetSocketAddress> tcp = new ArrayList<>();
        try {
            for (InetSocketAddress listen : config.listen()) {
                int port = bindUdp(group, transports, context, dispatcher, listen, threads, listeners);
                InetSocketAddress bound = new InetSocketAddress(listen.getAddress(), port);
                udp.add(bound);
                tcp.add(bindTcp(group, transports, context, dispatcher, bound, listeners));
            }
            if (config.altListen() != null) {
                bindDiscovery(group, transports, context, udp.get(0), config.altListen(), listeners);
            }
        } catch (StartException e) {
            for (Channel c : listeners) {
                c.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
        List<ScheduledFuture<?>> sweeps = new ArrayList<>();
        boolean first = true;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            LoopState state = context.loop(loop);
            boolean sweepPorts = first;
            first = false;
            sweeps.add(loop.scheduleAtFixedRate(() -> {
                long now = context.now();
                state.sweep(now);
                if (sweepPorts) {
                    context.ports().sweep(now);
                }
            }, 1, 1, TimeUnit.SECONDS));
        }
        String udpText = String.join(" ", udp.stream().map(TurnServer::format).toList());
        String tcpText = String.join(" ", tcp.stream().map(TurnServer::format).toList());
        ServerContext.LOG.atInfo().addKeyValue("event", "started").addKeyValue("udp", udpText)
                .addKeyValue("tcp", tcpText).addKeyValue("realm", config.realm())
                .log("turnctl serve: listening udp {} tcp {} ({} x{}), relay {}{} ports {}-{}{}, realm {}, auth {}, "
                        + "peer policy: {}",
                udpText, tcpText, transports.name(), threads,
                relayV4 != null ? relayV4.getHostAddress() : "-", relayV6 != null ? " " + relayV6.getHostAddress() : "",
                config.minPort(), config.maxPort(),
                (config.externalIps().isEmpty() ? "" : " external " + config.externalIps())
                        + (config.altListen() == null ? "" : ", RFC 5780 alternate " + format(config.altListen())),
                config.realm(), authSummary(config), context.policy().summary());
        return new TurnServer(context, group, listeners, Collections.unmodifiableList(udp),
                Collections.unmodifiableList(tcp), sweeps, transports.name());
    }

    private static String authSummary(ServerConfig config) {
        List<String> parts = new ArrayList<>();
        if (!config.userKeys().isEmpty()) {
            parts.add(config.userKeys().size() + " long-term user(s)");
        }
        if (!config.authSecrets().isEmpty()) {
            parts.add(config.authSecrets().size() + " REST shared secret(s)");
        }
        return String.join(" + ", parts);
    }

    /** One UDP socket per event loop with SO_REUSEPORT (epoll), else one socket. Returns the port. */
    private static int bindUdp(EventLoopGroup group, Transports transports, ServerContext context,
            RequestDispatcher dispatcher, InetSocketAddress listen, int threads, List<Channel> out) throws StartException {
        int sockets = transports.reusePort() ? threads : 1;
        int port = listen.getPort();
        for (int i = 0; i < sockets; i++) {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(transports.datagram())
                    .handler(new UdpListenerHandler(context, dispatcher));
            if (transports.reusePort()) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            InetSocketAddress at = new InetSocketAddress(listen.getAddress(), port);
            Channel ch = await(b.bind(at), "udp", at);
            out.add(ch);
            port = ((InetSocketAddress) ch.localAddress()).getPort(); // port 0: the rest share the first one's
        }
        return port;
    }

    /**
     * RFC 5780: the three extra UDP sockets A1:P2, A2:P1, A2:P2 next to the primary A1:P1. The
     * primary's first socket answers for A1:P1 when a CHANGE-REQUEST sends an answer there.
     */
    private static void bindDiscovery(EventLoopGroup group, Transports transports, ServerContext context,
            InetSocketAddress primary, InetSocketAddress alt, List<Channel> listeners) throws StartException {
        org.turnctl.server.discovery.BehaviorDiscovery d = new org.turnctl.server.discovery.BehaviorDiscovery(context.metrics());
        Channel first = null;
        for (Channel c : listeners) {
            if (c instanceof DatagramChannel && primary.equals(c.localAddress())) {
                first = c;
                break;
            }
        }
        d.register(0, 0, primary, first);
        InetAddress[] ips = {primary.getAddress(), alt.getAddress()};
        int[] ports = {primary.getPort(), alt.getPort()};
        for (int ip = 0; ip < 2; ip++) {
            for (int port = 0; port < 2; port++) {
                if (ip == 0 && port == 0) {
                    continue;
                }
                InetSocketAddress at = new InetSocketAddress(ips[ip], ports[port]);
                Channel ch = await(new Bootstrap().group(group).channel(transports.datagram())
                        .handler(new org.turnctl.server.discovery.DiscoveryListenerHandler(d, ip, port)).bind(at), "udp", at);
                listeners.add(ch);
                d.register(ip, port, at, ch);
            }
        }
        context.discovery(d);
    }

    /** TCP never sets SO_REUSEPORT, so a second instance on the same port fails loudly. */
    private static InetSocketAddress bindTcp(EventLoopGroup group, Transports transports, ServerContext context,
            RequestDispatcher dispatcher, InetSocketAddress at, List<Channel> out) throws StartException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transports.serverSocket())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // A connection that holds no allocation may not sit idle forever (slowloris);
                        // one with an allocation lives as long as the allocation does.
                        ch.pipeline().addLast(new io.netty.handler.timeout.IdleStateHandler(TCP_IDLE_SECONDS, 0, 0),
                                new StunStreamFramer(), new TcpConnectionHandler(context, dispatcher));
                    }
                });
        Channel ch = await(b.bind(at), "tcp", at);
        out.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    private static Channel await(io.netty.channel.ChannelFuture f, String what, InetSocketAddress at) throws StartException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : String.valueOf(cause);
            throw new StartException("cannot listen on " + what + " " + format(at) + ": " + why, cause);
        }
        return f.channel();
    }

    /** host:port, IPv6 in brackets, for logs and URLs. */
    public static String format(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address
                ? "[" + a.getAddress().getHostAddress() + "]:" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The first IPv4 address of an interface that is up, not loopback and not link-local. */
    static InetAddress firstHostIpv4() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                        return a;
                    }
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    public List<InetSocketAddress> udpAddresses() {
        return udpAddresses;
    }

    public List<InetSocketAddress> tcpAddresses() {
        return tcpAddresses;
    }

    public ServerContext context() {
        return context;
    }

    public String transportName() {
        return transportName;
    }

    /** Runs the sweep on every loop now and waits (for tests with an injected clock). */
    public void sweepNow() {
        long now = context.now();
        List<Future<?>> done = new ArrayList<>();
        for (EventExecutor executor : group) {
            LoopState state = context.loop((EventLoop) executor);
            done.add(executor.submit(() -> state.sweep(now)));
        }
        context.ports().sweep(now);
        for (Future<?> f : done) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * SIGHUP: reloads users, users file, auth secrets and peer policy from {@code next}; see
     * {@link Reload}. Returns one line saying what changed.
     */
    public String reload(ServerConfig next) {
        return Reload.apply(context, group, next);
    }

    /** Allocations now, server-wide. */
    public int allocationCount() {
        return context.allocationCount();
    }

    /**
     * Stops accepting, deletes every allocation (closing relay sockets, logging each), then
     * stops the event loops with a short quiet period, so the whole takes well under 5 s.
     */
    @Override
    public void close() {
        for (ScheduledFuture<?> s : sweeps) {
            s.cancel(false);
        }
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        List<Future<?>> done = new ArrayList<>();
        for (EventExecutor executor : group) {
            LoopState state = context.loop((EventLoop) executor);
            done.add(executor.submit(() -> state.deleteAll("shutdown")));
        }
        for (Future<?> f : done) {
            f.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
