package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.turnctl.testsupport.LeakDetectionExtension;

/**
 * Proves that the leak check can fail: a buffer dropped without release must be reported.
 * (drain() consumes the report, so this class itself still passes its after-all check.)
 */
class LeakDetectionSelfTest {

    @Test
    void aDroppedBufferIsReported() {
        leakOne();
        List<String> leaks = LeakDetectionExtension.drain();
        assertFalse(leaks.isEmpty(), "the leak detector did not report a dropped buffer");
        assertTrue(leaks.get(0).contains("LEAK"), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
        // no release: this is the point
    }
}
