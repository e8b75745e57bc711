package org.turnctl.server.allocation;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.server.net.Addresses;

/**
 * Owns the life of every allocation: creating it (slot, loop, gauge, log line), tearing it down
 * (port, quota, slot, loop, gauge, log line with its traffic), and the server-wide resources both
 * draw on: relay ports, quotas, relay addresses. Server-wide state here is touched on allocate and
 * delete only; what is per packet lives in the allocation, confined to its event loop.
 */
public final class AllocationManager {
    static final Logger LOG = LoggerFactory.getLogger("turnctl.server");

    private final PortPool ports;
    private final Quotas quotas;
    private final RelayAddresses relayAddresses;
    private final TurnMetrics metrics;
    private final ConcurrentHashMap<EventLoop, LoopAllocations> loops = new ConcurrentHashMap<>();
    private volatile long maxBps;
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    public AllocationManager(PortPool ports, Quotas quotas, RelayAddresses relayAddresses, TurnMetrics metrics) {
        this.ports = ports;
        this.quotas = quotas;
        this.relayAddresses = relayAddresses;
        this.metrics = metrics;
    }

    public PortPool ports() {
        return ports;
    }

    public Quotas quotas() {
        return quotas;
    }

    public RelayAddresses relayAddresses() {
        return relayAddresses;
    }

    public TurnMetrics metrics() {
        return metrics;
    }

    /** The allocations of one event loop; only that loop's thread may use the result. */
    public LoopAllocations loop(EventLoop loop) {
        return loops.computeIfAbsent(loop, l -> new LoopAllocations());
    }

    /** --max-bps now (a reload changes it): read per relayed packet, one volatile read. */
    public long maxBps() {
        return maxBps;
    }

    public void maxBps(long bytesPerSecond) {
        maxBps = bytesPerSecond;
    }

    /** True once a drain started: new Allocates are sent to an alternate (or 508); the rest goes on. */
    public boolean draining() {
        return draining;
    }

    public void draining(boolean on) {
        draining = on;
        metrics.draining(on);
    }

    /** What the server relayed a second, in the busier direction, as the loops measured it at their last sweep. */
    public long relayedBytesPerSecond() {
        long sum = 0;
        for (LoopAllocations l : loops.values()) {
            sum += l.bytesPerSecond();
        }
        return sum;
    }

    /** Allocations now, server-wide. */
    public int count() {
        return quotas.count();
    }

    /**
     * True when the address is one of this server's relay sockets now (a relay IP and a relay port
     * in use): relay-to-relay on one server must work even when the relay IP is denied as a peer.
     */
    public boolean isOwnRelay(InetSocketAddress peer) {
        return relayAddresses.isRelayIp(peer.getAddress()) && ports.isInUse(peer.getPort());
    }

    /** What a successful Allocate hands over once its relay socket is bound. */
    public record Grant(FiveTuple fiveTuple, String username, String quotaUser, byte[] key, ClientSink client,
            Channel relayChannel, long expiresAt, long lifetimeSeconds, Channel additionalChannel) {

        /** One family. */
        public Grant(FiveTuple fiveTuple, String username, String quotaUser, byte[] key, ClientSink client,
                Channel relayChannel, long expiresAt, long lifetimeSeconds) {
            this(fiveTuple, username, quotaUser, key, client, relayChannel, expiresAt, lifetimeSeconds, null);
        }
    }

    /**
     * Creates the allocation on {@code loop} (the relay socket's and the client's loop) and puts it
     * in the 5-tuple's slot. The port and quota in the grant were acquired by the caller; from
     * here on the allocation gives them back when it is deleted.
     */
    public Allocation create(Grant g, EventLoop loop, AllocationSlot slot) {
        InetSocketAddress relayAddress = (InetSocketAddress) g.relayChannel().localAddress();
        Allocation a = new Allocation(g.fiveTuple(), g.username(), g.quotaUser(), g.key(), g.client(), g.relayChannel(),
                relayAddress, relayAddresses.advertised(relayAddress), g.expiresAt(), this, slot, loop(loop),
                ids.incrementAndGet(), g.expiresAt() - g.lifetimeSeconds() * 1000);
        if (g.additionalChannel() != null) {
            InetSocketAddress second = (InetSocketAddress) g.additionalChannel().localAddress();
            a.additional(new AdditionalRelay(g.additionalChannel(), second, relayAddresses.advertised(second)));
        }
        metrics.allocationActive(g.fiveTuple().transport().lower(), family(a), 1);
        logCreated(a, g.lifetimeSeconds());
        a.loop().add(a);
        // Last: a TCP slot whose connection closed meanwhile deletes the allocation at once.
        slot.set(a);
        return a;
    }

    /** Called once by {@link Allocation#delete}, after the relay socket is closed. */
    void deleted(Allocation a, String reason) {
        metrics.allocationActive(a.fiveTuple().transport().lower(), family(a), -1);
        ports.release(a.relayAddress().getPort());
        if (a.additional() != null) {
            ports.release(a.additional().address().getPort());
        }
        quotas.release(a.quotaUser(), a.fiveTuple().client().getAddress());
        a.slot().clear(a);
        a.loop().remove(a);
        logDeleted(a, reason);
    }

    /** The family label of turn_allocations_active: ipv4, ipv6, or dual for an allocation with both. */
    static String family(Allocation a) {
        return a.additional() != null ? "dual" : family(a.relayAddress());
    }

    static String family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address ? "ipv4" : "ipv6";
    }

    /** The relayed address(es) as XOR-RELAYED-ADDRESS gave them, for the log: both of a dual allocation. */
    private static String relays(Allocation a) {
        return Addresses.format(a.advertisedAddress())
                + (a.additional() == null ? "" : "," + Addresses.format(a.additional().advertised()));
    }

    private static void logCreated(Allocation a, long lifetime) {
        LOG.atInfo().addKeyValue("event", "allocation_created").addKeyValue("user", a.username())
                .addKeyValue("transport", a.fiveTuple().transport().lower())
                .addKeyValue("client", Addresses.format(a.fiveTuple().client()))
                .addKeyValue("relay", relays(a)).addKeyValue("lifetime", lifetime)
                .log("allocation created user={} client={} {} relay={} lifetime={}s", a.username(),
                        a.fiveTuple().transport().lower(), Addresses.format(a.fiveTuple().client()), relays(a), lifetime);
    }

    private static void logDeleted(Allocation a, String reason) {
        LOG.atInfo().addKeyValue("event", "allocation_deleted").addKeyValue("user", a.username())
                .addKeyValue("transport", a.fiveTuple().transport().lower())
                .addKeyValue("client", Addresses.format(a.fiveTuple().client()))
                .addKeyValue("relay", relays(a)).addKeyValue("reason", reason)
                .addKeyValue("packetsToPeer", a.packetsToPeer()).addKeyValue("bytesToPeer", a.bytesToPeer())
                .addKeyValue("packetsToClient", a.packetsToClient()).addKeyValue("bytesToClient", a.bytesToClient())
                .log("allocation deleted user={} client={} {} relay={} reason={} to-peer={}p/{}B to-client={}p/{}B",
                        a.username(), a.fiveTuple().transport().lower(), Addresses.format(a.fiveTuple().client()), relays(a),
                        reason, a.packetsToPeer(), a.bytesToPeer(), a.packetsToClient(), a.bytesToClient());
    }
}
