package org.turnctl.stun;

import java.util.Optional;

/**
 * The one exception for malformed wire input: truncated, bad lengths, bad values, failed
 * framing. It carries the header when the header itself was sound, so that a server can still
 * answer a malformed request with a 400 for the right transaction.
 */
public final class StunDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient MessageType messageType;
    private final transient TransactionId transactionId;

    public StunDecodeException(String reason) {
        this(reason, null, null);
    }

    public StunDecodeException(String reason, MessageType messageType, TransactionId transactionId) {
        // No stack trace: decode errors are expected input, and attackers can make many of them.
        super(reason, null, false, false);
        this.messageType = messageType;
        this.transactionId = transactionId;
    }

    /** The message type, when the header was decoded before the error. */
    public Optional<MessageType> messageType() {
        return Optional.ofNullable(messageType);
    }

    /** The transaction id, when the header was decoded before the error. */
    public Optional<TransactionId> transactionId() {
        return Optional.ofNullable(transactionId);
    }

    /** The same error with the header attached. */
    public StunDecodeException withHeader(MessageType type, TransactionId id) {
        return new StunDecodeException(getMessage(), type, id);
    }
}
