package org.turnctl.testsupport;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns a Netty leak report into a test failure.
 *
 * <p>Netty only logs leaks, and only when a leaked buffer has been garbage collected and the
 * next buffer is tracked. This extension is auto-detected by JUnit (surefire and failsafe set
 * {@code junit.jupiter.extensions.autodetection.enabled=true}); its class initialiser installs a
 * detector factory before any buffer class is loaded, and after each test class it forces a few
 * collections, allocates tracked buffers so that the detector drains its reference queue, and
 * fails the class if anything was reported.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // The build sets -Dio.netty.leakDetection.level=paranoid; an IDE run may not. A level
            // set on purpose stays: the long fuzz run (-Pfuzz) checks reference counts itself.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> found = drain();
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leak(s) in "
                    + context.getDisplayName() + ":\n" + String.join("\n----\n", found));
        }
    }

    /** Forces the detectors to report what has been collected so far and returns it. */
    public static List<String> drain() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            LeakProbe.touchBuffers();
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    static void record(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            super.reportTracedLeak(resourceType, records);
            record("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            super.reportUntracedLeak(resourceType);
            record("LEAK: " + resourceType + " (untraced)");
        }
    }
}
