package org.turnctl.stun;

import java.util.Objects;

/** A message to send with what the encoder should add to it (integrity, fingerprint). */
public record ProtectedMessage(StunMessage message, Protection protection) {
    public ProtectedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(protection, "protection");
    }
}
