package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;

/** The warm-up relays real traffic through a throwaway server and leaves nothing behind. */
class ServeWarmupTest {

    @Test
    void relaysTheRoundTripsAskedForThenLeavesNoThreadsAndRestoresLogging() throws Exception {
        ServerConfig real = new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), List.of(),
                Map.of(), 49152, 65535, "real.test", Map.of(), List.of("s3cret"), List.of(), List.of(), false, 0, 0, 3600, 600,
                false, 2, null, TimeSource.SYSTEM);
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var level = root.getLevel();
        ServeWarmup.Result r = ServeWarmup.run(real, 2000, 20_000);
        // Loopback loses a datagram only when a socket buffer overflows: nearly every round trip comes back.
        assertTrue(r.roundTrips() >= 1800 && r.roundTrips() <= 2000 + 500, r.toString());
        assertEquals(level, root.getLevel(), "the throwaway server's silence ends with it");
        Thread.sleep(200);
        assertTrue(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .noneMatch(n -> n.startsWith("turnctl-warmup")), "warm-up threads left");
    }
}
