package org.turnctl.server.metrics;

/**
 * What the server reports. Implementations must be cheap and lock-free on the data-path calls
 * ({@link #relayed}, {@link #dropped}): they run per packet on every event loop.
 */
public interface TurnMetrics {

    /** Directions of relayed application data. */
    enum Direction { CLIENT_TO_PEER, PEER_TO_CLIENT }

    TurnMetrics NOOP = new TurnMetrics() {
    };

    default void allocationActive(String transport, String family, int delta) {
    }

    /** One Allocate outcome: "ok" or the error code. */
    default void allocateResult(String result) {
    }

    default void authFailure(String reason) {
    }

    default void permissions(int delta) {
    }

    /** turn_relay_ports_capacity: how many relay ports --min-port..--max-port holds (what the port alert divides by). */
    default void relayPortCapacity(int ports) {
    }

    /** turn_draining: 1 while the server drains (new clients go elsewhere), else 0. */
    default void draining(boolean on) {
    }

    /** Bytes an RFC 6062 connection pair carried (turn_relay_bytes_total{transport="tcp-relay"}). */
    default void relayedTcp(Direction direction, int bytes) {
    }

    /** RFC 6062 peer connections now (waiting for ConnectionBind or bound). */
    default void tcpRelayConnections(int delta) {
    }

    default void channels(int delta) {
    }

    default void relayed(Direction direction, int bytes) {
    }

    default void dropped(DropReason reason) {
    }

    default void requestDuration(String method, long nanos) {
    }

    default void bindingRequest() {
    }

    /** A TCP or TLS connection closed at accept: {@code per_ip} or {@code total} cap reached. */
    default void tcpConnectionRefused(String reason) {
    }

    /** One TLS or DTLS handshake: result ok, failed, timeout or cookie (a DTLS ClientHello without one). */
    default void tlsHandshake(String transport, String result) {
    }

    /** The certificate's remaining lifetime, read when scraped ({@code turn_tls_certificate_expiry_seconds}). */
    default void certificateExpiry(java.util.function.DoubleSupplier secondsLeft) {
    }
}
