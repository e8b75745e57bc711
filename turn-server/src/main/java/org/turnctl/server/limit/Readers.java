package org.turnctl.server.limit;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pauses a channel's reading for a while (--max-bps backpressure): autoRead off, and one timer
 * on the channel's loop that turns it back on. A channel has at most one pending timer, and the
 * channel's close cancels it. Called on the channel's event loop only.
 */
public final class Readers {
    private static final AttributeKey<Pause> PAUSE = AttributeKey.valueOf("turnctl.pause");

    /** One per paused channel, made at its first pause: the timer now pending, if any. */
    private static final class Pause {
        ScheduledFuture<?> resume;
    }

    private Readers() {
    }

    /** Stops reading {@code channel} for {@code millis}, unless a pause is already running. */
    public static void pause(Channel channel, long millis) {
        if (!channel.isOpen()) {
            return;
        }
        Pause p = channel.attr(PAUSE).get();
        if (p == null) {
            Pause made = new Pause();
            channel.attr(PAUSE).set(made);
            // Registered once per channel, not per pause: a limited allocation pauses many times.
            channel.closeFuture().addListener(f -> {
                if (made.resume != null) {
                    made.resume.cancel(false);
                }
            });
            p = made;
        } else if (p.resume != null) {
            return;
        }
        Pause current = p;
        channel.config().setAutoRead(false);
        current.resume = channel.eventLoop().schedule(() -> {
            current.resume = null;
            if (channel.isOpen()) {
                channel.config().setAutoRead(true);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }
}
