package org.turnctl.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for tests that wait on something another thread or process does (a delete on
 * the server's event loop, a log line, a scrape). It parks between polls, so it does not take a
 * core from the server under test, and it never asserts anything about time: the caller asserts
 * on the state it waited for, and gets that assertion's message when the wait ran out.
 */
public final class Await {
    private static final long POLL_NANOS = 2_000_000;

    private Await() {
    }

    /** Polls until {@code done} is true or {@code timeout} has passed; returns the last answer. */
    public static boolean until(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return done.getAsBoolean();
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /**
     * Reads {@code value} until {@code done} accepts it or {@code timeout} has passed; returns the
     * last value read, accepted or not, for the caller's assertion.
     */
    public static <T> T value(Duration timeout, Supplier<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
            last = value.get();
        }
        return last;
    }
}
