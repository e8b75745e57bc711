package org.turnctl.testsupport;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

/**
 * Makes the leak detectors poll their reference queues.
 *
 * <p>A detector reports collected leaks only from inside {@code track()}. Buffers are tracked by
 * the detector of {@code AbstractByteBuf}; this module depends on netty-common only, so it loads
 * that detector reflectively when netty-buffer is on the class path and tracks a throwaway
 * object with it.
 */
final class LeakProbe {

    private LeakProbe() {
    }

    static void touchBuffers() {
        ResourceLeakDetector<Object> detector = bufferDetector();
        if (detector == null) {
            return;
        }
        for (int i = 0; i < 16; i++) {
            ReferenceCounted dummy = new Dummy();
            ResourceLeakTracker<Object> tracker = detector.track(dummy);
            if (tracker != null) {
                tracker.close(dummy);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static ResourceLeakDetector<Object> bufferDetector() {
        try {
            Class<?> cls = Class.forName("io.netty.buffer.AbstractByteBuf");
            java.lang.reflect.Field field = cls.getDeclaredField("leakDetector");
            field.setAccessible(true);
            return (ResourceLeakDetector<Object>) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // netty-buffer absent or changed: fall back to a fresh detector, which still
            // exercises the factory but cannot drain the buffer detector's queue.
            return ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class, 1);
        }
    }

    private static final class Dummy extends AbstractReferenceCounted {
        @Override
        protected void deallocate() {
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }
}
