package org.turnctl.server.metrics;

/**
 * Why a packet from a client or peer was dropped without an answer: the {@code reason} label of
 * {@code turn_dropped_packets_total}. Every transport counts the same reasons.
 */
public enum DropReason {
    /** ChannelData or a Send indication from a 5-tuple that holds no allocation. */
    NO_ALLOCATION("no_allocation"),
    /** Data to or from a peer without a permission (RFC 8656 sections 11.2, 12.6). */
    NO_PERMISSION("no_permission"),
    /** ChannelData on a channel number that is not bound, or whose binding expired. */
    NO_CHANNEL("no_channel"),
    /** STUN or ChannelData that does not parse, or a frame too long for a stream. */
    MALFORMED("malformed"),
    /** A Send indication with an unknown comprehension-required attribute. */
    UNKNOWN_ATTRIBUTE("unknown_attribute"),
    /** A Send indication with DONT-FRAGMENT, which this relay cannot honour. */
    DONT_FRAGMENT("dont_fragment"),
    /** Neither STUN nor ChannelData by the first byte (RFC 7983): a datagram, or a stream that cannot be framed. */
    NOT_STUN("not_stun"),
    /** A request from a source without an allocation over its --unauth-rate: not answered. */
    RATE_LIMIT("ratelimit"),
    /** Over the allocation's --max-bps (datagrams; a stream is paused instead). */
    BANDWIDTH("bandwidth");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
