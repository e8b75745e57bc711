package org.turnctl.server.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-allocation byte bucket, time moved by hand. */
class ByteRateTest {

    @Test
    void aBurstOfOneSecondThenTheRate() {
        ByteRate r = new ByteRate();
        int taken = 0;
        while (r.take(100, 10_000, 0)) {
            taken += 100;
        }
        assertEquals(10_000, taken, "one second's worth at once");
        // Then 10 s of 100-byte datagrams offered every 4 ms (25 kB/s) against 10 kB/s.
        taken = 0;
        for (long t = 4; t <= 10_000; t += 4) {
            if (r.take(100, 10_000, t)) {
                taken += 100;
            }
        }
        assertEquals(100_000, taken, 100, "the rate, within a datagram");
    }

    @Test
    void millisecondRefillsOfLessThanAByteAreNotLost() {
        ByteRate slow = new ByteRate();
        assertTrue(slow.take(500, 500, 0));
        assertFalse(slow.take(1, 500, 0));
        for (int ms = 1; ms < 1000; ms++) {
            assertFalse(slow.take(500, 500, ms));
        }
        assertTrue(slow.take(500, 500, 1000), "a second of 1 ms refills (0.5 B each) is a second's worth");
        assertFalse(slow.take(1, 500, 1000));
    }

    @Test
    void aStreamOwesAndPausesForTheDebt() {
        ByteRate r = new ByteRate();
        assertEquals(0, r.owe(10_000, 10_000, 0), "the burst");
        assertEquals(500, r.owe(5_000, 10_000, 0), "5 kB over at 10 kB/s: half a second");
        assertEquals(0, r.owe(0, 10_000, 500), "paid off after the pause");
        assertEquals(0, r.owe(1_000_000, 0, 0), "0 is no limit");
        assertTrue(r.take(1, 0, 0));
    }
}
