package org.turnctl.server;

import java.util.concurrent.atomic.AtomicLong;
import org.turnctl.server.config.TimeSource;

/** A clock tests move by hand. */
public final class FakeTime implements TimeSource {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    @Override
    public long nowMillis() {
        return now.get();
    }

    public void advanceSeconds(long s) {
        now.addAndGet(s * 1000);
    }
}
