package org.turnctl.cli;

import sun.misc.Signal;

/**
 * POSIX signals for a long-running command. The JVM would exit 143 on SIGTERM and die on
 * SIGHUP; these handlers replace that, so that SIGTERM releases every allocation and exits 0 and
 * SIGHUP reloads. ({@code sun.misc.Signal} is the JDK's only way to trap them.)
 */
@SuppressWarnings("restriction")
final class Signals {

    private Signals() {
    }

    /** TERM and INT run {@code action} once (on a signal thread). */
    static void onTerminate(Runnable action) {
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public synchronized void run() {
                if (!ran) {
                    ran = true;
                    action.run();
                }
            }
        };
        handle("TERM", once);
        handle("INT", once);
    }

    /** TERM runs {@code onTerm} once, INT runs {@code onInt} once (each on a signal thread of its own). */
    static void onTerminate(Runnable onTerm, Runnable onInt) {
        handle("TERM", once(onTerm));
        handle("INT", once(onInt));
    }

    private static Runnable once(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    static void onHangup(Runnable action) {
        handle("HUP", action);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> new Thread(action, "turnctl-signal-" + name).start());
        } catch (IllegalArgumentException e) {
            // The platform has no such signal (or the JVM reserves it): nothing to install.
        }
    }
}
