package org.turnctl.probe.check;

import java.util.Set;
import org.turnctl.probe.client.AuthMode;

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
 * @param echoes       --echoes: measured echoes per success-run attempt, after its connection is up
 * @param auth         --password-algorithm and --userhash
 * @param family       --family: the REQUESTED-ADDRESS-FAMILY of every Allocate (AddressFamily.IPV4 or IPV6),
 *                     or 0 for none, as browsers send
 * @param strictNetwork --strict-network: findings about the probe's own network fail the target
 */
public record ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
        int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
        double maxRttMs, double maxLossPct, boolean ice, TlsOptions tls, int echoes, AuthMode auth, int family,
        boolean strictNetwork) {

    public static final Set<String> ALL = Set.of("tls", "binding", "nat", "auth", "acl", "relay", "success", "ice");
    /** Run only when named in --checks: ice needs --ice, acl probes a security boundary. */
    private static final Set<String> OPT_IN = Set.of("ice", "acl");
    /** At least this many echoes per attempt: fewer say little about loss or jitter. */
    public static final int DEFAULT_ECHOES = 20;

    public ProbeOptions {
        if (tls == null) {
            tls = TlsOptions.DEFAULT;
        }
        if (echoes < 1) {
            throw new IllegalArgumentException("echoes must be at least 1");
        }
        if (auth == null) {
            auth = AuthMode.AUTO;
        }
        if (family != 0 && family != org.turnctl.stun.attr.AddressFamily.IPV4 && family != org.turnctl.stun.attr.AddressFamily.IPV6) {
            throw new IllegalArgumentException("family is 0, IPv4 or IPv6: " + family);
        }
    }

    /** Without --family: no REQUESTED-ADDRESS-FAMILY, as a browser. */
    public ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
            int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
            double maxRttMs, double maxLossPct, boolean ice, TlsOptions tls, int echoes, AuthMode auth) {
        this(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs, timeoutMs, checks,
                minSuccessPct, maxRttMs, maxLossPct, ice, tls, echoes, auth, 0, false);
    }

    /** The same options asking for another address family (0: none). */
    public ProbeOptions withFamily(int family) {
        return new ProbeOptions(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs,
                timeoutMs, checks, minSuccessPct, maxRttMs, maxLossPct, ice, tls, echoes, auth, family, strictNetwork);
    }

    /** The same options with --strict-network on or off. */
    public ProbeOptions withStrictNetwork(boolean strict) {
        return new ProbeOptions(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs,
                timeoutMs, checks, minSuccessPct, maxRttMs, maxLossPct, ice, tls, echoes, auth, family, strict);
    }

    /** The same options running only these checks (empty: all that apply). */
    public ProbeOptions withChecks(Set<String> only) {
        return new ProbeOptions(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs,
                timeoutMs, Set.copyOf(only), minSuccessPct, maxRttMs, maxLossPct, ice, tls, echoes, auth, family, strictNetwork);
    }

    /** "ipv4", "ipv6", or "none" (no REQUESTED-ADDRESS-FAMILY): the report's name for {@link #family}. */
    public String familyName() {
        return family == org.turnctl.stun.attr.AddressFamily.IPV4 ? "ipv4" : family == org.turnctl.stun.attr.AddressFamily.IPV6 ? "ipv6" : "none";
    }

    /** Authenticating as the server prefers. */
    public ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
            int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
            double maxRttMs, double maxLossPct, boolean ice, TlsOptions tls, int echoes) {
        this(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs, timeoutMs, checks,
                minSuccessPct, maxRttMs, maxLossPct, ice, tls, echoes, AuthMode.AUTO);
    }

    /** With the default number of echoes. */
    public ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
            int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
            double maxRttMs, double maxLossPct, boolean ice, TlsOptions tls) {
        this(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs, timeoutMs, checks,
                minSuccessPct, maxRttMs, maxLossPct, ice, tls, DEFAULT_ECHOES);
    }

    /** With the default TLS judgement. */
    public ProbeOptions(String username, String password, long secretExpiry, long secretTtl, String expectedRealm,
            int count, int concurrency, long intervalMs, long timeoutMs, Set<String> checks, double minSuccessPct,
            double maxRttMs, double maxLossPct, boolean ice) {
        this(username, password, secretExpiry, secretTtl, expectedRealm, count, concurrency, intervalMs, timeoutMs, checks,
                minSuccessPct, maxRttMs, maxLossPct, ice, TlsOptions.DEFAULT);
    }

    public boolean wants(String check) {
        if (!checks.isEmpty()) {
            return checks.contains(check);
        }
        return !OPT_IN.contains(check) || (check.equals("ice") && ice);
    }

    public boolean hasCredentials() {
        return username != null && password != null;
    }
}
