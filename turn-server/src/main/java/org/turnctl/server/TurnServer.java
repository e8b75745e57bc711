package org.turnctl.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.AllocationView;
import org.turnctl.server.allocation.LoopAllocations;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Quotas;
import org.turnctl.server.allocation.RelayAddresses;
import org.turnctl.server.auth.NonceService;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Settings;
import org.turnctl.server.discovery.BehaviorDiscovery;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.inbound.ConnectionLimits;
import org.turnctl.server.inbound.InboundRouter;
import org.turnctl.server.inbound.UnauthenticatedLimiter;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.net.HostAddresses;
import org.turnctl.server.net.Addresses;
import org.turnctl.server.relay.RelaySockets;
import org.turnctl.server.tcprelay.TcpRelays;
import org.turnctl.server.tls.CertificateStore;

/**
 * The TURN server: event loops, listeners, the per-loop sweep, reload and shutdown. It wires the
 * parts together and owns none of the protocol: see docs/ARCHITECTURE.md. {@link #start} binds
 * everything or fails with a {@link StartException} saying what could not be bound; {@link #close}
 * deletes every allocation and stops within a few seconds.
 */
public final class TurnServer implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger("turnctl.server");
    /** Seconds a TCP connection without an allocation may stay silent (tests shorten it). */
    static final int TCP_IDLE_SECONDS = Listeners.TCP_IDLE_SECONDS;

    private final AtomicReference<Settings> settings;
    private final AllocationManager allocations;
    private final RequestDispatcher dispatcher;
    private final EventLoopGroup group;
    private final List<Channel> listeners;
    private final List<InetSocketAddress> udpAddresses;
    private final List<InetSocketAddress> tcpAddresses;
    private final List<InetSocketAddress> tlsAddresses;
    private final List<InetSocketAddress> dtlsAddresses;
    private final CertificateTask certificates;
    private final List<ScheduledFuture<?>> sweeps = new ArrayList<>();
    private final String transportName;

    /** Start-up failed: a port in use, an address not on this host. The message is for the operator. */
    public static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TurnServer(AtomicReference<Settings> settings, AllocationManager allocations, RequestDispatcher dispatcher,
            EventLoopGroup group, List<Channel> listeners, List<InetSocketAddress> udp, List<InetSocketAddress> tcp,
            List<InetSocketAddress> tls, List<InetSocketAddress> dtls, CertificateTask certificates, String transportName) {
        this.settings = settings;
        this.allocations = allocations;
        this.dispatcher = dispatcher;
        this.group = group;
        this.listeners = listeners;
        this.udpAddresses = Collections.unmodifiableList(udp);
        this.tcpAddresses = Collections.unmodifiableList(tcp);
        this.tlsAddresses = Collections.unmodifiableList(tls);
        this.dtlsAddresses = Collections.unmodifiableList(dtls);
        this.certificates = certificates;
        this.transportName = transportName;
    }

    public static TurnServer start(ServerConfig config) throws StartException {
        return start(config, TurnMetrics.NOOP);
    }

    /** Starts with a metrics recorder (see {@link org.turnctl.server.metrics.Operations}). */
    public static TurnServer start(ServerConfig config, TurnMetrics metrics) throws StartException {
        return start(config, Transports.best(), metrics);
    }

    static TurnServer start(ServerConfig config, Transports transports, TurnMetrics metrics) throws StartException {
        RelayAddresses relay = relayAddresses(config);
        if (relay.ip(false) == null) {
            if (config.strictAddressFamily()) {
                LOG.warn("no IPv4 relay address and --strict-address-family: allocations without REQUESTED-ADDRESS-FAMILY "
                        + "(every browser's) get 440");
            } else {
                LOG.info("no IPv4 relay address: allocations without REQUESTED-ADDRESS-FAMILY get IPv6, as browsers need");
            }
        }
        CertificateStore certificate = CertificateTask.load(config.tls());
        AtomicReference<Settings> settings = new AtomicReference<>(Settings.of(config));
        AllocationManager allocations = new AllocationManager(new PortPool(config.minPort(), config.maxPort()),
                new Quotas(config.userQuota(), config.totalQuota()), relay, metrics);
        allocations.maxBps(config.limits().maxBps());
        metrics.relayPortCapacity(config.maxPort() - config.minPort() + 1);
        RequestDispatcher dispatcher = new RequestDispatcher(settings, new NonceService(config.nonceLifetimeSeconds()),
                allocations, new RelaySockets(transports.datagram(), config.time(), metrics),
                new TcpRelays(transports.serverSocket(), transports.socket(), transports.reusePort(), metrics, config.time()),
                config.time());
        BehaviorDiscovery discovery = config.altListen() == null ? null : new BehaviorDiscovery(metrics);
        InboundRouter router = new InboundRouter(dispatcher, discovery, metrics, config.time(),
                new UnauthenticatedLimiter(config.unauthRate(), config.time()));

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.effectiveThreads(), transports.ioHandlerFactory());
        Listeners bound = new Listeners(group, transports, router, metrics,
                new ConnectionLimits(config.maxTcpPerIp(), config.maxTcp(), metrics));
        List<InetSocketAddress> udp = new ArrayList<>();
        List<InetSocketAddress> tcp = new ArrayList<>();
        List<InetSocketAddress> tls = new ArrayList<>();
        List<InetSocketAddress> dtls = new ArrayList<>();
        try {
            Channel[] first = new Channel[1];
            for (InetSocketAddress listen : config.listen()) {
                InetSocketAddress[] at = bound.bindUdpAndTcp(listen, config.effectiveThreads(), discovery != null, first,
                        certificate, config.tls().onTcpListeners());
                udp.add(at[0]);
                tcp.add(at[1]);
            }
            for (InetSocketAddress at : config.tls().listen()) {
                tls.add(bound.bindTls(at, certificate));
            }
            for (InetSocketAddress at : config.tls().dtlsListen()) {
                dtls.add(bound.bindDtls(at, certificate, config.time()));
            }
            if (discovery != null) {
                bound.bindDiscovery(discovery, udp.get(0), first[0], config.altListen());
            }
        } catch (StartException e) {
            for (Channel c : bound.channels()) {
                c.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
        CertificateTask certificates = certificate == null ? null
                : new CertificateTask(certificate, config.time(), metrics, LOG);
        TurnServer server = new TurnServer(settings, allocations, dispatcher, group, bound.channels(), udp, tcp, tls, dtls,
                certificates, transports.name());
        server.startSweeps();
        StartLine.log(LOG, server.settings.get(), relay, udp, tcp, tls, dtls, transports, config.effectiveThreads());
        if (certificates != null) {
            certificates.start(group.next());
        }
        return server;
    }

    /** Once a second on every loop: expire allocations, permissions, channels, cached responses; one loop sweeps ports. */
    private void startSweeps() {
        boolean first = true;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            boolean sweepPorts = first;
            first = false;
            sweeps.add(loop.scheduleAtFixedRate(() -> sweep(loop, sweepPorts), 1, 1, TimeUnit.SECONDS));
        }
    }

    private void sweep(EventLoop loop, boolean ports) {
        long now = settings.get().config().time().nowMillis();
        allocations.loop(loop).sweep(now);
        dispatcher.sweep(loop, now);
        if (ports) {
            allocations.ports().sweep(now);
        }
    }

    /** The --relay-ip addresses, else those of the listen addresses (a wildcard: the host's first IPv4). */
    private static RelayAddresses relayAddresses(ServerConfig config) throws StartException {
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
                    relayV4 = relayV4 != null ? relayV4 : HostAddresses.firstIpv4();
                    // [::] is dual-stack: a global IPv6 address of the host relays IPv6 peers
                    // (and dual allocations) too.
                    if (a instanceof Inet6Address && relayV6 == null) {
                        relayV6 = HostAddresses.globalIpv6(HostAddresses.all());
                    }
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
        return new RelayAddresses(relayV4, relayV6, config.externalIps());
    }

    /** host:port, IPv6 in brackets, for logs and URLs. */
    public static String format(InetSocketAddress a) {
        return Addresses.format(a);
    }

    public List<InetSocketAddress> udpAddresses() {
        return udpAddresses;
    }

    public List<InetSocketAddress> tcpAddresses() {
        return tcpAddresses;
    }

    /** The DTLS listeners (empty without a certificate or with --no-dtls). */
    public List<InetSocketAddress> dtlsAddresses() {
        return dtlsAddresses;
    }

    /** The TLS listeners (empty without a certificate). */
    public List<InetSocketAddress> tlsAddresses() {
        return tlsAddresses;
    }

    public String transportName() {
        return transportName;
    }

    /** Relay ports bound or reserved now (the {@code turn_relay_ports_in_use} gauge). */
    public int relayPortsInUse() {
        return allocations.ports().inUse();
    }

    /** True when the relay port is bound or reserved now. */
    public boolean isRelayPortInUse(int port) {
        return allocations.ports().isInUse(port);
    }

    /**
     * The event loops that carry every listener and relay socket, for the systemd watchdog's
     * liveness check (it runs a no-op task on each). Not for running work of one's own.
     */
    public Iterable<io.netty.util.concurrent.EventExecutor> eventLoops() {
        return group;
    }

    /** Runs the sweep on every loop now and waits (for tests with an injected clock). */
    public void sweepNow() {
        onEveryLoop(loop -> {
            sweep(loop, false);
            return null;
        });
        allocations.ports().sweep(settings.get().config().time().nowMillis());
    }

    /**
     * SIGHUP: reloads users, users file, auth secrets and peer policy from {@code next}; see
     * {@link Reload}. Returns one line saying what changed.
     */
    public String reload(ServerConfig next) {
        String summary = Reload.apply(settings, next, task -> onEveryLoop(loop -> task.apply(allocations.loop(loop))));
        // --max-bps applies to the allocations there are, from their next packet; --bps-capacity and
        // --max-allocations-per-ip are read at each Allocate from the settings just swapped in.
        allocations.maxBps(next.limits().maxBps());
        return certificates == null ? summary : summary + "; " + certificates.reload("SIGHUP");
    }

    /**
     * Starts a drain: from now on new Allocates get 300 Try Alternate (or 508 without an
     * alternate); allocations there are go on until they end. The caller decides when to stop.
     */
    public void drain() {
        allocations.draining(true);
    }

    public boolean draining() {
        return allocations.draining();
    }

    /** Allocations now, server-wide. */
    public int allocationCount() {
        return allocations.count();
    }

    /** Snapshots of every allocation (the admin API), each taken on its own event loop. */
    public List<AllocationView> allocations() {
        long now = settings.get().config().time().nowMillis();
        List<AllocationView> all = new ArrayList<>();
        for (List<AllocationView> part : onEveryLoop(loop -> allocations.loop(loop).views(now))) {
            if (part != null) {
                all.addAll(part);
            }
        }
        return all;
    }

    /** Ends the allocations the predicate picks (the admin API), each on its loop; returns how many. */
    public int end(java.util.function.Predicate<AllocationView> which) {
        long now = settings.get().config().time().nowMillis();
        int n = 0;
        for (Integer part : onEveryLoop(loop -> allocations.loop(loop).end(which, now, "admin"))) {
            n += part == null ? 0 : part;
        }
        return n;
    }

    /** Runs {@code task} on each event loop with that loop's allocations, waiting up to 5 s for each. */
    private <T> List<T> onEveryLoop(Function<EventLoop, T> task) {
        List<Future<T>> done = new ArrayList<>();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            done.add(loop.submit(() -> task.apply(loop)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : done) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
            results.add(f.getNow());
        }
        return results;
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
        if (certificates != null) {
            certificates.stop();
        }
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        List<Future<?>> done = new ArrayList<>();
        for (EventExecutor executor : group) {
            LoopAllocations loop = allocations.loop((EventLoop) executor);
            done.add(executor.submit(() -> loop.deleteAll("shutdown")));
        }
        for (Future<?> f : done) {
            f.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
