package org.turnctl.server.inbound;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The suite's wire fuzz: {@link ServerFuzzHarness} fed seeded random programs for 10 s, every
 * program reproducible from its seed (printed when one fails). Unlike the coverage-guided run,
 * this one is the same on every machine.
 */
class SeededWireFuzzTest {
    private static final long SEED = 0x7C71_2026L;

    @Test
    void tenSecondsOfSeededProgramsKeepTheInvariants() {
        SplittableRandom seeds = new SplittableRandom(SEED);
        long deadline = System.nanoTime() + 10_000_000_000L;
        int programs = 0;
        long allocations = 0;
        long toPeers = 0;
        long toClients = 0;
        for (; programs < 1_000_000 && System.nanoTime() < deadline; programs++) {
            long seed = seeds.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            byte[] program = new byte[r.nextInt(64, 2048)];
            r.nextBytes(program);
            try {
                ServerFuzzHarness.Reach reach = ServerFuzzHarness.run(program);
                allocations += reach.allocations();
                toPeers += reach.toPeers();
                toClients += reach.toClients();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("program from seed " + seed + " (program " + programs + "): " + e, e);
            }
        }
        System.out.println("seeded wire fuzz: " + programs + " programs, " + allocations + " allocations, " + toPeers
                + " datagrams relayed to peers, " + toClients + " to clients");
        assertTrue(programs > 100, "ran " + programs + " programs in 10 s");
        // The programs must reach past the front door, or the invariants hold vacuously.
        assertTrue(allocations > programs / 10 && toPeers > 0 && toClients > 0,
                allocations + " allocations, " + toPeers + " to peers, " + toClients + " to clients in " + programs + " programs");
    }
}
