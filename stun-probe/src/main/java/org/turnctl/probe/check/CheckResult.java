package org.turnctl.probe.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One check's outcome: status, a one-line cause that names the reason in words, how long it
 * took, and details (ordered; values are strings, numbers or booleans) for the reports.
 */
public record CheckResult(String name, Status status, String cause, long durationMs, Map<String, Object> details) {

    /** pass, warn, fail or skip, as the JSON report spells them. A warning does not fail the target. */
    public enum Status {
        PASS, WARN, FAIL, SKIP;

        public String lower() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CheckResult {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static CheckResult skip(String name, String cause) {
        return new CheckResult(name, Status.SKIP, cause, 0, Map.of());
    }
}
