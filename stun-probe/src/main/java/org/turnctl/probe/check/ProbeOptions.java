package org.turnctl.probe.check;

import java.util.Set;

/**
 * What the probe was asked to do.
 *
 * @param username     --user, or the REST username built from --secret
 * @param password     --password, or the REST password
 * @param secretExpiry for --secret: the expiry (unix seconds) written into the username, else 0
 * @param expectedRealm --realm, or null
 * @param checks       the checks to run (names), or empty for all that apply
 * @param maxRttMs     --max-rtt (compared with the success run's p90 RTT), or -1
 * @param maxLossPct   --max-loss, or -1
 * @param tls          how turns:/stuns: certificates are judged
 */
public record ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
        int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
        double maxRttMs, double maxLossPct, boolean ice, TlsOptions tls) {

    public static final Set<String> ALL = Set.of("tls", "binding", "nat", "auth", "relay", "success", "ice");

    public ProbeOptions {
        if (tls == null) {
            tls = TlsOptions.DEFAULT;
        }
    }

    /** With the default TLS judgement. */
    public ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
            int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
            double maxRttMs, double maxLossPct, boolean ice) {
        this(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs, timeoutMs, checks,
                minSuccessPct, maxRttMs, maxLossPct, ice, TlsOptions.DEFAULT);
    }

    public boolean wants(String check) {
        return checks.isEmpty() ? !check.equals("ice") || ice : checks.contains(check);
    }

    public boolean hasCredentials() {
        return username != null && password != null;
    }
}
