package org.turnctl.server;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Quotas;
import org.turnctl.server.auth.Authenticator;
import org.turnctl.server.auth.NonceService;
import org.turnctl.server.auth.SharedSecretAuthenticator;
import org.turnctl.server.auth.StaticUsers;
import org.turnctl.server.policy.PeerPolicy;

/** What every listener and handler shares: configuration, credentials, policy, ports, quotas. */
public final class ServerContext {
    static final Logger LOG = LoggerFactory.getLogger("turnctl.server");

    private volatile ServerConfig config;
    private volatile Authenticator authenticator;
    private final NonceService nonces;
    private final PortPool ports;
    private final Quotas quotas;
    private final InetAddress relayIpv4;
    private final InetAddress relayIpv6;
    private final Class<? extends DatagramChannel> datagramChannelClass;
    private final ConcurrentHashMap<EventLoop, LoopState> loops = new ConcurrentHashMap<>();
    private volatile PeerPolicy policy;
    private volatile org.turnctl.server.discovery.BehaviorDiscovery discovery;
    final AtomicLong malformed = new AtomicLong();
    private final org.turnctl.server.metrics.TurnMetrics metrics;

    ServerContext(ServerConfig config, InetAddress relayIpv4, InetAddress relayIpv6,
            Class<? extends DatagramChannel> datagramChannelClass, org.turnctl.server.metrics.TurnMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.authenticator = authenticatorFor(config);
        this.nonces = new NonceService(config.nonceLifetimeSeconds());
        this.ports = new PortPool(config.minPort(), config.maxPort());
        this.quotas = new Quotas(config.userQuota(), config.totalQuota());
        this.relayIpv4 = relayIpv4;
        this.relayIpv6 = relayIpv6;
        this.datagramChannelClass = datagramChannelClass;
        this.policy = PeerPolicy.of(config.allowPeers(), config.denyPeers(), config.allowLoopbackPeers());
    }

    /** RFC 5780 behaviour discovery when --alt-listen is set, else null. */
    public org.turnctl.server.discovery.BehaviorDiscovery discovery() {
        return discovery;
    }

    void discovery(org.turnctl.server.discovery.BehaviorDiscovery d) {
        this.discovery = d;
    }

    public org.turnctl.server.metrics.TurnMetrics metrics() {
        return metrics;
    }

    static Authenticator authenticatorFor(ServerConfig config) {
        List<Authenticator> chain = new ArrayList<>();
        if (!config.userKeys().isEmpty()) {
            chain.add(new StaticUsers(config.userKeys()));
        }
        if (!config.authSecrets().isEmpty()) {
            chain.add(new SharedSecretAuthenticator(config.authSecrets()));
        }
        return Authenticator.firstOf(chain);
    }

    /** Swaps in reloaded credentials and peer policy (SIGHUP); listeners and ports stay as they are. */
    void reload(ServerConfig next, PeerPolicy nextPolicy) {
        this.authenticator = authenticatorFor(next);
        this.policy = nextPolicy;
        this.config = next;
    }

    public ServerConfig config() {
        return config;
    }

    public long now() {
        return config.time().nowMillis();
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public NonceService nonces() {
        return nonces;
    }

    public PortPool ports() {
        return ports;
    }

    public Quotas quotas() {
        return quotas;
    }

    public PeerPolicy policy() {
        return policy;
    }

    /** True when the address is one of this server's relay sockets now (IP is a relay IP, port in use). */
    public boolean isOwnRelay(InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        boolean relayIp = ip.equals(relayIpv4) || ip.equals(relayIpv6)
                || java.util.Arrays.equals(ip.getAddress(), relayIpv4 == null ? null : relayIpv4.getAddress());
        return relayIp && ports.isInUse(peer.getPort());
    }

    /** The relay address for a family (4 or 16 address bytes), or null when there is none. */
    public InetAddress relayIp(boolean ipv6) {
        return ipv6 ? relayIpv6 : relayIpv4;
    }

    /** What XOR-RELAYED-ADDRESS advertises for a relay socket: its --external-ip when one is set. */
    public InetSocketAddress advertised(InetSocketAddress relay) {
        InetAddress external = config.externalIps().get(relay.getAddress());
        if (external == null) {
            // "--external-ip PUBLIC" without /PRIVATE maps the relay address of PUBLIC's family,
            // stored under that family's wildcard address.
            external = config.externalIps().get(wildcard(relay.getAddress()));
        }
        return external == null ? relay : new InetSocketAddress(external, relay.getPort());
    }

    private static InetAddress wildcard(InetAddress a) {
        try {
            return InetAddress.getByAddress(new byte[a.getAddress().length]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public Class<? extends DatagramChannel> datagramChannelClass() {
        return datagramChannelClass;
    }

    public LoopState loop(EventLoop loop) {
        return loops.computeIfAbsent(loop, LoopState::new);
    }

    Iterable<LoopState> loops() {
        return loops.values();
    }

    public int allocationCount() {
        return quotas.count();
    }

    static String family(InetAddress a) {
        return a instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    public void logCreated(Allocation a, long lifetime) {
        LOG.atInfo().addKeyValue("event", "allocation_created").addKeyValue("user", a.username())
                .addKeyValue("transport", a.fiveTuple().transport().lower())
                .addKeyValue("client", TurnServer.format(a.fiveTuple().client()))
                .addKeyValue("relay", TurnServer.format(a.advertisedAddress())).addKeyValue("lifetime", lifetime)
                .log("allocation created user={} client={} {} relay={} lifetime={}s", a.username(),
                        a.fiveTuple().transport().lower(), a.fiveTuple().client(), a.advertisedAddress(), lifetime);
    }

    public void logDeleted(Allocation a, String reason) {
        LOG.atInfo().addKeyValue("event", "allocation_deleted").addKeyValue("user", a.username())
                .addKeyValue("transport", a.fiveTuple().transport().lower())
                .addKeyValue("client", TurnServer.format(a.fiveTuple().client()))
                .addKeyValue("relay", TurnServer.format(a.advertisedAddress())).addKeyValue("reason", reason)
                .addKeyValue("packetsToPeer", a.packetsToPeer).addKeyValue("bytesToPeer", a.bytesToPeer)
                .addKeyValue("packetsToClient", a.packetsToClient).addKeyValue("bytesToClient", a.bytesToClient)
                .log("allocation deleted user={} client={} {} relay={} reason={} to-peer={}p/{}B to-client={}p/{}B",
                        a.username(), a.fiveTuple().transport().lower(), a.fiveTuple().client(), a.advertisedAddress(),
                        reason, a.packetsToPeer, a.bytesToPeer, a.packetsToClient, a.bytesToClient);
    }
}
