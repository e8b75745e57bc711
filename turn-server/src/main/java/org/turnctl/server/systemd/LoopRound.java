package org.turnctl.server.systemd;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One no-op task on each event loop, and whether all of them have run: the watchdog's evidence
 * that no loop is wedged. Only the watchdog's thread starts rounds; the loops count down.
 */
final class LoopRound {
    private final List<EventExecutor> loops = new ArrayList<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Runnable ran = pending::decrementAndGet;

    LoopRound(Iterable<? extends EventExecutor> loops) {
        loops.forEach(this.loops::add);
    }

    /** True before the first round, and once every loop has run this round's task. */
    boolean completed() {
        return pending.get() <= 0;
    }

    void start() {
        pending.set(loops.size());
        for (EventExecutor loop : loops) {
            try {
                loop.execute(ran);
            } catch (RejectedExecutionException shuttingDown) {
                // The server is closing; its loops will not run anything again, and the process is exiting.
            }
        }
    }
}
