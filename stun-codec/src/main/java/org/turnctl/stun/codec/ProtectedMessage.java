package org.turnctl.stun.codec;

import java.util.Objects;
import org.turnctl.stun.StunMessage;

/** A message to send with what the encoder should add to it (integrity, fingerprint). */
public record ProtectedMessage(StunMessage message, Protection protection) {
    public ProtectedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(protection, "protection");
    }
}
