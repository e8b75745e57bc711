package org.turnctl.probe.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One check's outcome: status, a one-line cause that names the reason in words, how long it
 * took, details (ordered; values are strings, numbers or booleans) for the reports, and its
 * subject: {@code relay} for what the probe found about the server, {@code network} for what it
 * found about its own network (the nat check). Only relay findings decide a target's verdict;
 * see {@link Verdict}.
 */
public record CheckResult(String name, Status status, String cause, long durationMs, Map<String, Object> details,
        String subject) {

    public static final String RELAY = "relay";
    public static final String NETWORK = "network";

    /** pass, warn, fail or skip, as the JSON report spells them. A warning does not fail the target. */
    public enum Status {
        PASS, WARN, FAIL, SKIP;

        public String lower() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CheckResult {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (subject == null) {
            subject = subjectOf(name);
        }
    }

    /** With the subject the check's name implies: the nat check is about the probe's network, the rest about the relay. */
    public CheckResult(String name, Status status, String cause, long durationMs, Map<String, Object> details) {
        this(name, status, cause, durationMs, details, subjectOf(name));
    }

    static String subjectOf(String check) {
        return check.equals("nat") ? NETWORK : RELAY;
    }

    /** The same finding with another status (a network failure judged a warning, or the reverse). */
    public CheckResult withStatus(Status s) {
        return new CheckResult(name, s, cause, durationMs, details, subject);
    }

    public static CheckResult skip(String name, String cause) {
        return new CheckResult(name, Status.SKIP, cause, 0, Map.of());
    }
}
