package org.turnctl.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.turnctl.server.metrics.DropReason;
import org.turnctl.server.metrics.TurnMetrics;

/** A recorder that counts drops and relayed packets, for tests that check what the server counted. */
public final class CountingMetrics implements TurnMetrics {
    private final Map<DropReason, AtomicLong> drops = new EnumMap<>(DropReason.class);
    private final AtomicLong relayedToPeer = new AtomicLong();
    private final AtomicLong relayedToClient = new AtomicLong();
    private final Map<String, AtomicLong> active = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> handshakes = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong permissions = new AtomicLong();
    private final AtomicLong channels = new AtomicLong();

    public CountingMetrics() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new AtomicLong());
        }
    }

    @Override
    public void dropped(DropReason reason) {
        drops.get(reason).incrementAndGet();
    }

    @Override
    public void relayed(Direction direction, int bytes) {
        (direction == Direction.CLIENT_TO_PEER ? relayedToPeer : relayedToClient).incrementAndGet();
    }

    @Override
    public void allocationActive(String transport, String family, int delta) {
        active.computeIfAbsent(transport, t -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public void permissions(int delta) {
        permissions.addAndGet(delta);
    }

    @Override
    public void channels(int delta) {
        channels.addAndGet(delta);
    }

    private final AtomicLong tcpRelayConnections = new AtomicLong();
    private final AtomicLong tcpBytesToPeer = new AtomicLong();
    private final AtomicLong tcpBytesToClient = new AtomicLong();

    @Override
    public void relayedTcp(Direction direction, int bytes) {
        (direction == Direction.CLIENT_TO_PEER ? tcpBytesToPeer : tcpBytesToClient).addAndGet(bytes);
    }

    /** Bytes RFC 6062 pairs carried client to peer, and peer to client. */
    public long[] tcpBytes() {
        return new long[] {tcpBytesToPeer.get(), tcpBytesToClient.get()};
    }

    @Override
    public void tcpRelayConnections(int delta) {
        tcpRelayConnections.addAndGet(delta);
    }

    /** The turn_tcp_connections_active gauge as the server moved it. */
    public long tcpRelayConnections() {
        return tcpRelayConnections.get();
    }

    /** The turn_permissions gauge as the server moved it. */
    public long permissions() {
        return permissions.get();
    }

    /** The turn_channels gauge as the server moved it. */
    public long channels() {
        return channels.get();
    }

    @Override
    public void tlsHandshake(String transport, String result) {
        handshakes.computeIfAbsent(transport + "/" + result, t -> new AtomicLong()).incrementAndGet();
    }

    /** Allocations now over this transport (udp, tcp, tls, dtls). */
    public long active(String transport) {
        AtomicLong n = active.get(transport);
        return n == null ? 0 : n.get();
    }

    public long handshakes(String transport, String result) {
        AtomicLong n = handshakes.get(transport + "/" + result);
        return n == null ? 0 : n.get();
    }

    public long dropped(String label) {
        for (DropReason r : DropReason.values()) {
            if (r.label().equals(label)) {
                return drops.get(r).get();
            }
        }
        throw new IllegalArgumentException(label);
    }

    public long relayedToPeer() {
        return relayedToPeer.get();
    }

    public long relayedToClient() {
        return relayedToClient.get();
    }
}
