package org.turnctl.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.turnctl.stun.attr.ErrorCode;

/**
 * The server's metrics in Micrometer. Every label value is registered at start, so a scrape
 * always shows every series. Counters are Micrometer's (striped adders: no contended lock per
 * packet); gauges read atomics updated on the control path. No per-user or per-IP labels.
 */
public final class MicrometerTurnMetrics implements TurnMetrics {
    /** "ok" and every error code an Allocate can get, so each label exists (at 0) from the start. */
    public static final List<String> ALLOCATE_RESULTS = java.util.stream.Stream.concat(java.util.stream.Stream.of("ok"),
            java.util.stream.IntStream.of(ErrorCode.TRY_ALTERNATE, ErrorCode.BAD_REQUEST, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN,
                    ErrorCode.UNKNOWN_ATTRIBUTE, ErrorCode.ALLOCATION_MISMATCH, ErrorCode.STALE_NONCE,
                    ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, ErrorCode.WRONG_CREDENTIALS,
                    ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH,
                    ErrorCode.ALLOCATION_QUOTA_REACHED, ErrorCode.INSUFFICIENT_CAPACITY).mapToObj(String::valueOf)).toList();
    public static final List<String> AUTH_FAILURES = List.of("bad_request", "stale_nonce", "unknown_user", "bad_integrity");
    public static final List<String> DROP_REASONS = java.util.Arrays.stream(DropReason.values()).map(DropReason::label).toList();
    public static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls", "dtls");
    public static final List<String> HANDSHAKE_RESULTS = List.of("ok", "failed", "timeout", "cookie");
    public static final List<String> METHODS = List.of("binding", "allocate", "refresh", "createpermission", "channelbind");
    /** turn_request_duration_seconds' bucket bounds: 0.1 ms to 100 ms. */
    static final Duration[] REQUEST_BUCKETS = java.util.stream.Stream.of(100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000,
            50_000, 100_000).map(Duration::ofNanos).map(d -> d.multipliedBy(1000)).toArray(Duration[]::new);

    private final Map<String, AtomicLong> allocations = new HashMap<>();
    private final Map<String, Counter> allocateResults = new HashMap<>();
    private final Map<String, Counter> authFailures = new HashMap<>();
    private final Map<DropReason, Counter> drops = new java.util.EnumMap<>(DropReason.class);
    private final Map<String, Timer> durations = new HashMap<>();
    private final AtomicLong permissions = new AtomicLong();
    private final AtomicLong tcpRelayConnections = new AtomicLong();
    private final AtomicLong draining = new AtomicLong();
    private final AtomicLong portCapacity = new AtomicLong();
    private final AtomicLong channels = new AtomicLong();
    private final Counter packetsToPeer;
    private final Counter packetsToClient;
    private final Counter bytesToPeer;
    private final Counter bytesToClient;
    private final Counter tcpBytesToPeer;
    private final Counter tcpBytesToClient;
    private final Counter bindings;
    private final Map<String, Counter> handshakes = new HashMap<>();
    private final Map<String, Counter> refusedConnections = new HashMap<>();
    private final MeterRegistry registry;

    public MicrometerTurnMetrics(MeterRegistry registry, IntSupplier relayPortsInUse) {
        this.registry = registry;
        for (String transport : TRANSPORTS) {
            for (String family : List.of("ipv4", "ipv6", "dual")) {
                AtomicLong n = new AtomicLong();
                allocations.put(transport + "/" + family, n);
                Gauge.builder("turn_allocations_active", n, AtomicLong::get).tag("transport", transport).tag("family", family)
                        .description("Allocations now").register(registry);
            }
        }
        for (String transport : List.of("tls", "dtls")) {
            for (String result : HANDSHAKE_RESULTS) {
                handshakes.put(transport + "/" + result, Counter.builder("turn_tls_handshakes_total").tag("transport", transport)
                        .tag("result", result).description("TLS and DTLS handshakes by outcome").register(registry));
            }
        }
        for (String r : ALLOCATE_RESULTS) {
            allocateResults.put(r, Counter.builder("turn_allocations_total").tag("result", r)
                    .description("Allocate outcomes").register(registry));
        }
        for (String r : AUTH_FAILURES) {
            authFailures.put(r, Counter.builder("turn_auth_failures_total").tag("reason", r).register(registry));
        }
        for (DropReason r : DropReason.values()) {
            drops.put(r, Counter.builder("turn_dropped_packets_total").tag("reason", r.label()).register(registry));
        }
        for (String m : METHODS) {
            // A few bounds that mean something for a request answered in microseconds to milliseconds
            // (5 series per method and bound, not Micrometer's ~89 percentile buckets).
            durations.put(m, Timer.builder("turn_request_duration").tag("method", m).serviceLevelObjectives(REQUEST_BUCKETS)
                    .register(registry));
        }
        Gauge.builder("turn_permissions_active", permissions, AtomicLong::get).register(registry);
        Gauge.builder("turn_draining", draining, AtomicLong::get)
                .description("1 while the server drains: new Allocates go to an alternate server").register(registry);
        Gauge.builder("turn_tcp_connections_active", tcpRelayConnections, AtomicLong::get)
                .description("RFC 6062 peer connections of TCP allocations, waiting for ConnectionBind or bound").register(registry);
        Gauge.builder("turn_channels_active", channels, AtomicLong::get).register(registry);
        Gauge.builder("turn_relay_ports_in_use", relayPortsInUse, s -> s.getAsInt()).strongReference(true).register(registry);
        Gauge.builder("turn_relay_ports_capacity", portCapacity, AtomicLong::get)
                .description("Relay ports in --min-port..--max-port").register(registry);
        packetsToPeer = Counter.builder("turn_relay_packets_total").tag("direction", "client_to_peer").tag("transport", "udp")
                .register(registry);
        packetsToClient = Counter.builder("turn_relay_packets_total").tag("direction", "peer_to_client").tag("transport", "udp")
                .register(registry);
        bytesToPeer = Counter.builder("turn_relay_bytes_total").tag("direction", "client_to_peer").tag("transport", "udp")
                .description("Application payload bytes relayed").register(registry);
        bytesToClient = Counter.builder("turn_relay_bytes_total").tag("direction", "peer_to_client").tag("transport", "udp")
                .description("Application payload bytes relayed").register(registry);
        // RFC 6062 connections carry a byte stream: bytes, no packets.
        tcpBytesToPeer = Counter.builder("turn_relay_bytes_total").tag("direction", "client_to_peer").tag("transport", "tcp-relay")
                .description("Application payload bytes relayed").register(registry);
        tcpBytesToClient = Counter.builder("turn_relay_bytes_total").tag("direction", "peer_to_client")
                .tag("transport", "tcp-relay").description("Application payload bytes relayed").register(registry);
        bindings = Counter.builder("stun_binding_requests_total").register(registry);
        for (String r : List.of("per_ip", "total")) {
            refusedConnections.put(r, Counter.builder("turn_tcp_connections_refused_total").tag("reason", r)
                    .description("TCP and TLS connections closed at accept by --max-tcp-connections-per-ip or "
                            + "--max-tcp-connections").register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void allocationActive(String transport, String family, int delta) {
        AtomicLong n = allocations.get(transport + "/" + family);
        if (n != null) {
            n.addAndGet(delta);
        }
    }

    @Override
    public void allocateResult(String result) {
        Counter c = allocateResults.get(result);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void authFailure(String reason) {
        Counter c = authFailures.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void permissions(int delta) {
        permissions.addAndGet(delta);
    }

    @Override
    public void channels(int delta) {
        channels.addAndGet(delta);
    }

    @Override
    public void relayPortCapacity(int ports) {
        portCapacity.set(ports);
    }

    @Override
    public void draining(boolean on) {
        draining.set(on ? 1 : 0);
    }

    @Override
    public void tcpRelayConnections(int delta) {
        tcpRelayConnections.addAndGet(delta);
    }

    @Override
    public void relayed(Direction direction, int bytes) {
        if (direction == Direction.CLIENT_TO_PEER) {
            packetsToPeer.increment();
            bytesToPeer.increment(bytes);
        } else {
            packetsToClient.increment();
            bytesToClient.increment(bytes);
        }
    }

    @Override
    public void relayedTcp(Direction direction, int bytes) {
        (direction == Direction.CLIENT_TO_PEER ? tcpBytesToPeer : tcpBytesToClient).increment(bytes);
    }

    @Override
    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    @Override
    public void requestDuration(String method, long nanos) {
        Timer t = durations.get(method);
        if (t != null) {
            t.record(Duration.ofNanos(nanos));
        }
    }

    @Override
    public void bindingRequest() {
        bindings.increment();
    }

    @Override
    public void tcpConnectionRefused(String reason) {
        Counter c = refusedConnections.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void tlsHandshake(String transport, String result) {
        Counter c = handshakes.get(transport + "/" + result);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void certificateExpiry(java.util.function.DoubleSupplier secondsLeft) {
        Gauge.builder("turn_tls_certificate_expiry_seconds", secondsLeft, java.util.function.DoubleSupplier::getAsDouble)
                .strongReference(true).description("Seconds until the TLS certificate expires").register(registry);
    }
}
