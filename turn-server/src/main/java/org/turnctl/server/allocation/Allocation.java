package org.turnctl.server.allocation;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.turnctl.server.limit.ByteRate;
import org.turnctl.server.metrics.TurnMetrics;

/**
 * One allocation (RFC 8656 section 2.2): a relay socket, its permissions and channels, its
 * lifetime. Confined to the event loop of the listener that created it, so nothing here is
 * synchronised; everything is looked up without allocating on the packet path.
 */
public final class Allocation {
    private final FiveTuple fiveTuple;
    private final String username;
    private final String quotaUser;
    private final byte[] key;
    private final ClientSink client;
    private final Channel relayChannel;
    private final InetSocketAddress relayAddress;
    private final InetSocketAddress advertisedAddress;
    private final AllocationManager owner;
    private final AllocationSlot slot;
    private final LoopAllocations loop;
    private final TurnMetrics metrics;
    private final ByteRate toPeerRate = new ByteRate();
    private final ByteRate toClientRate = new ByteRate();
    private long expiresAt;
    private boolean deleted;

    private final Map<InetAddress, Permission> permissions = new HashMap<>();
    private final Map<Integer, ChannelBinding> channelsByNumber = new HashMap<>();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();

    private final long id;
    private final long createdAt;

    /** What else goes when the allocation goes (an RFC 6062 allocation's peer connections). */
    private java.util.List<Runnable> onDelete;

    /** The IPv6 socket of a dual allocation, or null; set once, before the allocation is published. */
    private AdditionalRelay additional;

    // Traffic for the delete log line. Loop-confined, so plain longs.
    private long packetsToPeer;
    private long bytesToPeer;
    private long packetsToClient;
    private long bytesToClient;

    /** Built by {@link AllocationManager#create}, which also registers it. */
    Allocation(FiveTuple fiveTuple, String username, String quotaUser, byte[] key, ClientSink client,
            Channel relayChannel, InetSocketAddress relayAddress, InetSocketAddress advertisedAddress,
            long expiresAt, AllocationManager owner, AllocationSlot slot, LoopAllocations loop, long id, long createdAt) {
        this.id = id;
        this.createdAt = createdAt;
        this.owner = owner;
        this.slot = slot;
        this.loop = loop;
        this.metrics = owner.metrics();
        this.fiveTuple = fiveTuple;
        this.username = username;
        this.quotaUser = quotaUser;
        this.key = key;
        this.client = client;
        this.relayChannel = relayChannel;
        this.relayAddress = relayAddress;
        this.advertisedAddress = advertisedAddress;
        this.expiresAt = expiresAt;
    }

    /** The server's metrics recorder, for the data path's per-packet counts. */
    public TurnMetrics metrics() {
        return metrics;
    }

    AllocationSlot slot() {
        return slot;
    }

    LoopAllocations loop() {
        return loop;
    }

    /** --max-bps for a datagram to the peer: false when it is over the limit (the caller drops it). */
    public boolean admitToPeer(int bytes, long now) {
        return toPeerRate.take(bytes, owner.maxBps(), now);
    }

    /** --max-bps for stream bytes to the peer, already read: how long to pause reading (0: not at all). */
    public long oweToPeer(int bytes, long now) {
        return toPeerRate.owe(bytes, owner.maxBps(), now);
    }

    /** --max-bps for a datagram to the client. */
    public boolean admitToClient(int bytes, long now) {
        return toClientRate.take(bytes, owner.maxBps(), now);
    }

    /** --max-bps for bytes to a stream client: how long to pause reading the relay socket. */
    public long oweToClient(int bytes, long now) {
        return toClientRate.owe(bytes, owner.maxBps(), now);
    }

    /** One datagram of {@code bytes} relayed client to peer. */
    public void countToPeer(int bytes) {
        packetsToPeer++;
        bytesToPeer += bytes;
    }

    /** One datagram of {@code bytes} relayed peer to client. */
    public void countToClient(int bytes) {
        packetsToClient++;
        bytesToClient += bytes;
    }

    public long packetsToPeer() {
        return packetsToPeer;
    }

    public long bytesToPeer() {
        return bytesToPeer;
    }

    public long packetsToClient() {
        return packetsToClient;
    }

    public long bytesToClient() {
        return bytesToClient;
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public String username() {
        return username;
    }

    public String quotaUser() {
        return quotaUser;
    }

    /** The key the creating request authenticated with: later requests must be the same user (441). */
    public byte[] key() {
        return key;
    }

    public ClientSink client() {
        return client;
    }

    public Channel relayChannel() {
        return relayChannel;
    }

    /** Unique within this process: what the admin API names it by. */
    public long id() {
        return id;
    }

    /** A snapshot for the admin API; call on its loop. */
    public AllocationView view(long now) {
        java.util.List<InetSocketAddress> relayed = additional == null ? java.util.List.of(advertisedAddress)
                : java.util.List.of(advertisedAddress, additional.advertised());
        java.util.Map<Integer, InetSocketAddress> channels = new java.util.TreeMap<>();
        channelsByNumber.forEach((n, b) -> channels.put(n, b.peer()));
        java.util.List<InetAddress> permitted = permissions.entrySet().stream().filter(e -> e.getValue().until() >= now)
                .map(java.util.Map.Entry::getKey).toList();
        return new AllocationView(id, username, fiveTuple.transport().lower(), fiveTuple.client(), fiveTuple.server(), relayed,
                Math.max(0, (now - createdAt) / 1000), Math.max(0, (expiresAt - now) / 1000), permitted, channels,
                packetsToPeer, bytesToPeer, packetsToClient, bytesToClient);
    }

    /** Runs {@code task} when the allocation is deleted (on its loop). */
    public void onDelete(Runnable task) {
        if (onDelete == null) {
            onDelete = new java.util.ArrayList<>(1);
        }
        onDelete.add(task);
    }

    /** An RFC 6062 TCP allocation: its relayed address is a listening TCP socket, not a UDP one. */
    public boolean isTcp() {
        return relayChannel instanceof io.netty.channel.ServerChannel;
    }

    void additional(AdditionalRelay relay) {
        this.additional = relay;
    }

    /** The second relay socket of a dual allocation, or null. */
    public AdditionalRelay additional() {
        return additional;
    }

    /** The relay socket for a peer: in a dual allocation, the one of the peer's family. */
    public Channel relayChannelFor(InetSocketAddress peer) {
        AdditionalRelay second = additional;
        if (second != null && peer.getAddress().getAddress().length == second.address().getAddress().getAddress().length) {
            return second.channel();
        }
        return relayChannel;
    }

    /** True when the allocation has a relayed address of this family (RFC 8656 sections 10.2, 12.2: else 443). */
    public boolean relaysFamily(InetAddress peer) {
        int length = peer.getAddress().length;
        return relayAddress.getAddress().getAddress().length == length
                || (additional != null && additional.address().getAddress().getAddress().length == length);
    }

    /** Flushes what the data path wrote to the relay socket(s) in this read burst. */
    public void flushRelays() {
        relayChannel.flush();
        AdditionalRelay second = additional;
        if (second != null) {
            second.channel().flush();
        }
    }

    /** The relay socket's own address (the one peers send to). */
    public InetSocketAddress relayAddress() {
        return relayAddress;
    }

    /** What XOR-RELAYED-ADDRESS says: the relay address, or its public form behind 1:1 NAT. */
    public InetSocketAddress advertisedAddress() {
        return advertisedAddress;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public void refresh(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public boolean isDeleted() {
        return deleted;
    }

    /**
     * Whether data may flow to or from this peer now. A permission granted only because the
     * peer is one of this server's own relay sockets ({@link Permission#relayOnly()}) admits
     * relay ports in use only, so that it does not open the relay host's other services.
     */
    public boolean permits(InetSocketAddress peer, long now) {
        Permission p = permissions.get(peer.getAddress());
        if (p == null || p.until() < now) {
            return false;
        }
        return !p.relayOnly() || owner.ports().isInUse(peer.getPort());
    }

    /** True when some permission for the peer's IP is in force (RFC 8656 section 9: IP only). */
    public boolean hasPermission(InetAddress peer, long now) {
        Permission p = permissions.get(peer);
        return p != null && p.until() >= now;
    }

    /** Installs or refreshes a permission (RFC 8656 section 9). */
    public void permit(InetAddress peer, long now, long until, boolean relayOnly) {
        Permission old = permissions.get(peer);
        boolean fullBefore = old != null && old.until() >= now && !old.relayOnly();
        if (permissions.put(peer, new Permission(until, relayOnly && !fullBefore)) == null) {
            metrics.permissions(1);
        }
    }

    public int permissionCount() {
        return permissions.size();
    }

    public ChannelBinding channel(int number) {
        return channelsByNumber.get(number);
    }

    public ChannelBinding channelFor(InetSocketAddress peer) {
        return channelsByPeer.get(peer);
    }

    /**
     * Binds or refreshes a channel. The caller has checked RFC 8656 section 11.2's rules: the
     * number is not bound to another peer and the peer not to another number.
     */
    public void bind(int number, InetSocketAddress peer, long until) {
        ChannelBinding existing = channelsByNumber.get(number);
        if (existing != null) {
            existing.refresh(until);
            return;
        }
        ChannelBinding b = new ChannelBinding(number, peer, until);
        channelsByNumber.put(number, b);
        channelsByPeer.put(peer, b);
        metrics.channels(1);
    }

    public int channelCount() {
        return channelsByNumber.size();
    }

    /**
     * Removes permissions (and channels) to peers the predicate now refuses: after a reload made
     * them denied. Returns how many permissions went.
     */
    public int revoke(java.util.function.Predicate<InetAddress> refused) {
        int removed = 0;
        for (var it = permissions.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().relayOnly() && refused.test(e.getKey())) {
                it.remove();
                removed++;
            }
        }
        metrics.permissions(-removed);
        for (Iterator<ChannelBinding> it = channelsByNumber.values().iterator(); it.hasNext();) {
            ChannelBinding b = it.next();
            if (!permissions.containsKey(b.peer().getAddress())) {
                it.remove();
                channelsByPeer.remove(b.peer());
                metrics.channels(-1);
            }
        }
        return removed;
    }

    /** Drops expired permissions and channels. */
    public void sweep(long now) {
        int before = permissions.size();
        permissions.values().removeIf(p -> p.until() < now);
        metrics.permissions(permissions.size() - before);
        for (Iterator<ChannelBinding> it = channelsByNumber.values().iterator(); it.hasNext();) {
            ChannelBinding b = it.next();
            if (b.expiresAt() < now) {
                it.remove();
                channelsByPeer.remove(b.peer());
                metrics.channels(-1);
            }
        }
    }

    /** Closes the relay socket and hands port, quota and slot back, once; the reason goes to the log. */
    public void delete(String reason) {
        if (deleted) {
            return;
        }
        deleted = true;
        relayChannel.close();
        if (onDelete != null) {
            onDelete.forEach(Runnable::run);
        }
        if (additional != null) {
            additional.channel().close();
        }
        metrics.permissions(-permissions.size());
        metrics.channels(-channelsByNumber.size());
        permissions.clear();
        channelsByNumber.clear();
        channelsByPeer.clear();
        owner.deleted(this, reason);
    }
}
