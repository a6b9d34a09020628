package dev.jflared.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * A leak detector that remembers every leak it reports, so {@link LeakCheckExtension} can fail the test.
 * Installed with {@code -Dio.netty.customResourceLeakDetector=dev.jflared.testing.RecordingLeakDetector}
 * (the root pom's surefire configuration does so).
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> leaks = new ArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + " was not released." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + " was not released (no records).");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (leaks) {
            leaks.add(leak);
        }
    }

    /** Returns and forgets the leaks reported so far. */
    static List<String> drain() {
        synchronized (leaks) {
            List<String> copy = List.copyOf(leaks);
            leaks.clear();
            return copy;
        }
    }
}
