package org.turnctl.probe.check;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.time.Instant;
import org.turnctl.probe.client.StunTimeoutException;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.stun.StunDecodeException;

/** Turns what went wrong into words (for people) and a short key (for the failures tally). */
public final class Causes {

    /**
     * Every key {@link #key} and the success run can produce, with {@code other-error} standing
     * for the error codes not named here: the fixed set of values a metric label may take.
     */
    public static final java.util.List<String> LABELS = java.util.List.of("auth-rejected", "auth-challenge", "forbidden",
            "allocation-mismatch", "no-relay-for-family", "stale-nonce", "wrong-credentials", "transport-unsupported", "quota", "capacity",
            "other-error", "timeout", "auth-not-offered", "unreachable", "malformed-response", "io-error", "no-data",
            "internal-error");

    private Causes() {
    }

    /** A failure key as a label value: itself when it is in {@link #LABELS}, else {@code other-error}. */
    public static String label(String key) {
        return LABELS.contains(key) ? key : "other-error";
    }

    public static String key(Throwable e) {
        if (e instanceof TurnErrorException t) {
            return switch (t.code()) {
                case 401 -> t.afterAuthentication() ? "auth-rejected" : "auth-challenge";
                case 403 -> "forbidden";
                case 437 -> "allocation-mismatch";
                case 440 -> "no-relay-for-family";
                case 438 -> "stale-nonce";
                case 441 -> "wrong-credentials";
                case 442 -> "transport-unsupported";
                case 486 -> "quota";
                case 508 -> "capacity";
                default -> "error-" + t.code();
            };
        }
        if (e instanceof StunTimeoutException) {
            return "timeout";
        }
        if (e instanceof org.turnctl.probe.client.AuthNotOfferedException) {
            return "auth-not-offered";
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof PortUnreachableException) {
            return "unreachable";
        }
        if (e instanceof StunDecodeException) {
            return "malformed-response";
        }
        if (e instanceof IOException) {
            return "io-error";
        }
        return "internal-error";
    }

    public static String words(Throwable e, ProbeOptions o) {
        if (e instanceof TurnErrorException t) {
            return switch (t.code()) {
                case 401 -> t.afterAuthentication() ? credentialsRejected(o) : "server demands authentication (401) but sent no usable challenge";
                case 403 -> "forbidden (403): the server refuses this peer or request";
                case 437 -> "allocation mismatch (437)";
                case 440 -> noRelayForFamily(o);
                case 438 -> "nonce still stale after a retry (438)";
                case 441 -> "wrong credentials for this allocation (441)";
                case 442 -> "transport not supported by the server (442)";
                case 486 -> "allocation quota reached (486): too many allocations for this user";
                case 508 -> "server out of relay capacity (508)";
                default -> t.getMessage();
            };
        }
        if (e instanceof StunTimeoutException || e instanceof org.turnctl.probe.client.AuthNotOfferedException) {
            return e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused: nothing listens on that port";
        }
        if (e instanceof PortUnreachableException) {
            return "port unreachable (ICMP): nothing listens on that port";
        }
        if (e instanceof StunDecodeException d) {
            return "malformed response: " + d.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    /** 440 in words: which family the relay lacks, and who that leaves out. */
    static String noRelayForFamily(ProbeOptions o) {
        int family = o == null ? 0 : o.family();
        if (family == org.turnctl.stun.attr.AddressFamily.IPV6) {
            return "the relay has no IPv6 relay address (440): clients that ask for IPv6 cannot allocate";
        }
        if (family == org.turnctl.stun.attr.AddressFamily.IPV4) {
            return "the relay has no IPv4 relay address (440): clients that ask for IPv4 cannot allocate";
        }
        return "the relay has no IPv4 relay address; clients that do not ask for a family (all browsers) cannot allocate (440)";
    }

    static String credentialsRejected(ProbeOptions o) {
        if (o.secretExpiry() > 0) {
            return "credentials rejected (401 after authenticating): the REST credential is valid by the probe's clock until "
                    + Instant.ofEpochSecond(o.secretExpiry()) + ", so the shared secret is wrong or the server's clock is more than "
                    + o.secretTtl() + " s ahead";
        }
        return "credentials rejected (401 after authenticating): wrong user name or password for this realm";
    }
}
