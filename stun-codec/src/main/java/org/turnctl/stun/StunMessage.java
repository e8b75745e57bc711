package org.turnctl.stun;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Integrity;

/**
 * An immutable STUN message: type, transaction id and the attributes that count, in order.
 *
 * <p>A decoded message also keeps its raw bytes and where its MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT attributes start, because integrity is checked over
 * the bytes as received ({@link Integrity}, {@link Fingerprint}). Attributes after
 * MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and after
 * MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT, are not listed: RFC 8489 sections 14.5 and
 * 14.6 say to ignore them. Equality ignores the raw bytes.
 */
public final class StunMessage {
    private final MessageType type;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    private final byte[] raw;
    private final int integrityOffset;
    private final int integritySha256Offset;
    private final int fingerprintOffset;

    private StunMessage(MessageType type, TransactionId transactionId, List<StunAttribute> attributes,
            byte[] raw, int integrityOffset, int integritySha256Offset, int fingerprintOffset) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.integritySha256Offset = integritySha256Offset;
        this.fingerprintOffset = fingerprintOffset;
    }

    public static Builder builder(MessageType type, TransactionId transactionId) {
        return new Builder(type, transactionId);
    }

    /** A request or indication with a fresh random transaction id. */
    public static Builder builder(Method method, MessageClass messageClass) {
        return new Builder(new MessageType(method, messageClass), TransactionId.random());
    }

    /** A success response to this request: same method, same transaction id. */
    public Builder successResponse() {
        return new Builder(type.success(), transactionId);
    }

    /** An error response to this request: same method, same transaction id. */
    public Builder errorResponse() {
        return new Builder(type.error(), transactionId);
    }

    public MessageType type() {
        return type;
    }

    public Method method() {
        return type.method();
    }

    public MessageClass messageClass() {
        return type.messageClass();
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    /** True for an RFC 3489 message: no magic cookie, 16-byte transaction id. */
    public boolean isLegacy() {
        return transactionId.isLegacy();
    }

    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of this record type. */
    public <A extends StunAttribute> Optional<A> first(Class<A> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return Optional.of(kind.cast(a));
            }
        }
        return Optional.empty();
    }

    /** Every attribute of this record type, in order. */
    public <A extends StunAttribute> List<A> all(Class<A> kind) {
        List<A> found = null;
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(kind.cast(a));
            }
        }
        return found == null ? List.of() : Collections.unmodifiableList(found);
    }

    /** True when an attribute of this type code is present. */
    public boolean has(int attributeType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attributeType) {
                return true;
            }
        }
        return false;
    }

    /**
     * The comprehension-required attribute types (below 0x8000) this codec does not know, for
     * the UNKNOWN-ATTRIBUTES of a 420 (RFC 8489 section 6.3.1.1). Empty when there are none.
     */
    public List<Integer> unknownComprehensionRequired() {
        List<Integer> unknown = null;
        for (StunAttribute a : attributes) {
            if (a instanceof UnknownAttribute u && u.isComprehensionRequired()) {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                if (!unknown.contains(u.type())) {
                    unknown.add(u.type());
                }
            }
        }
        return unknown == null ? List.of() : List.copyOf(unknown);
    }

    /** True when this message was decoded from bytes, so integrity can be checked. */
    public boolean hasRawBytes() {
        return raw != null;
    }

    /** The length of the received message in bytes, or -1 for a built message. */
    public int rawLength() {
        return raw == null ? -1 : raw.length;
    }

    /**
     * A message as the decoder read it: its attributes, the bytes as received (kept, not copied:
     * the decoder hands over its own array) and where MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256
     * and FINGERPRINT start in them (-1 when absent), so that they can be verified over exactly
     * the received bytes (RFC 8489 sections 14.5, 14.6, 14.7). For the codec.
     */
    public static StunMessage received(MessageType type, TransactionId transactionId, List<StunAttribute> attributes,
            byte[] raw, int integrityOffset, int integritySha256Offset, int fingerprintOffset) {
        return new StunMessage(type, transactionId, attributes, raw, integrityOffset, integritySha256Offset,
                fingerprintOffset);
    }

    /** The received bytes (not a copy: do not change them), or null for a built message. For the codec. */
    public byte[] raw() {
        return raw;
    }

    /** Where MESSAGE-INTEGRITY starts in {@link #raw()}, or -1. */
    public int integrityOffset() {
        return integrityOffset;
    }

    /** Where MESSAGE-INTEGRITY-SHA256 starts in {@link #raw()}, or -1. */
    public int integritySha256Offset() {
        return integritySha256Offset;
    }

    /** Where FINGERPRINT starts in {@link #raw()}, or -1. */
    public int fingerprintOffset() {
        return fingerprintOffset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunMessage m
                && type.equals(m.type)
                && transactionId.equals(m.transactionId)
                && attributes.equals(m.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, transactionId, attributes);
    }

    @Override
    public String toString() {
        return type + " " + transactionId + (isLegacy() ? " (RFC 3489)" : "") + " " + attributes;
    }

    /** Builds a message from typed attributes. */
    public static final class Builder {
        private final MessageType type;
        private final TransactionId transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>();

        private Builder(MessageType type, TransactionId transactionId) {
            this.type = Objects.requireNonNull(type, "type");
            this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
        }

        public Builder add(StunAttribute attribute) {
            attributes.add(Objects.requireNonNull(attribute, "attribute"));
            return this;
        }

        public Builder addAll(List<? extends StunAttribute> more) {
            for (StunAttribute a : more) {
                add(a);
            }
            return this;
        }

        public StunMessage build() {
            return new StunMessage(type, transactionId, List.copyOf(attributes), null, -1, -1, -1);
        }
    }
}
