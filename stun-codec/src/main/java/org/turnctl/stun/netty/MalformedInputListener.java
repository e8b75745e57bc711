package org.turnctl.stun.netty;

import java.net.SocketAddress;
import org.turnctl.stun.StunDecodeException;

/**
 * Told about every packet or frame the decoders drop, so that the owner can count it (and,
 * for a request whose header was sound, answer 400). Never logs by itself: a flood of garbage
 * must not become a flood of log lines.
 */
@FunctionalInterface
public interface MalformedInputListener {
    MalformedInputListener IGNORE = (sender, error) -> { };

    void onMalformed(SocketAddress sender, StunDecodeException error);
}
