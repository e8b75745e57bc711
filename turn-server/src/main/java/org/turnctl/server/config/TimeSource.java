package org.turnctl.server.config;

/** Wall-clock milliseconds, injectable so that tests move time instead of sleeping. */
@FunctionalInterface
public interface TimeSource {
    TimeSource SYSTEM = System::currentTimeMillis;

    long nowMillis();
}
