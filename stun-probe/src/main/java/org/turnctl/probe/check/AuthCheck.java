package org.turnctl.probe.check;

import java.util.LinkedHashMap;
import java.util.Map;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ErrorCode;

/**
 * {@code auth}: the 401 challenge (realm, nonce), then an authenticated Allocate, then its
 * release. Says what can honestly be known when it fails.
 */
public final class AuthCheck {

    private AuthCheck() {
    }

    public static CheckResult run(Target target) {
        ProbeOptions o = target.options();
        long t0 = System.nanoTime();
        Map<String, Object> d = new LinkedHashMap<>();
        if (o.secretExpiry() > 0) {
            d.put("credentialValidUntil", java.time.Instant.ofEpochSecond(o.secretExpiry()).toString());
        }
        TurnClient client = null;
        try {
            client = target.turnClient();
            StunMessage challenge = client.challenge();
            int code = ErrorCode.from(challenge).map(ErrorCode::code).orElse(0);
            if (challenge.messageClass() == MessageClass.SUCCESS_RESPONSE) {
                return result(t0, CheckResult.Status.FAIL,
                        "the server allocated without asking for credentials: an open relay", d);
            }
            if (code != 401 || client.realm() == null || client.nonce() == null) {
                return result(t0, CheckResult.Status.FAIL, "unauthenticated Allocate got " + (code == 0 ? "no error code" : code)
                        + " instead of a 401 with REALM and NONCE", d);
            }
            d.put("realm", client.realm());
            if (o.expectedRealm() != null && !o.expectedRealm().equals(client.realm())) {
                return result(t0, CheckResult.Status.FAIL, "server offered realm " + client.realm() + ", expected "
                        + o.expectedRealm(), d);
            }
            client.allocate();
            // What was negotiated (RFC 8489 section 9.2.3): SHA-256 when the server offers it and
            // --password-algorithm allows; USERHASH with --userhash.
            d.put("passwordAlgorithm", client.passwordAlgorithm());
            d.put("userhash", o.auth().userhash());
            d.put("relayedAddress", BindingCheck.format(client.relayed()));
            d.put("mappedAddress", client.mapped() == null ? "" : BindingCheck.format(client.mapped()));
            d.put("lifetimeSeconds", client.lifetime());
            return result(t0, CheckResult.Status.PASS, "authenticated in realm " + client.realm() + " with "
                    + client.passwordAlgorithm() + (o.auth().userhash() ? " and USERHASH" : "") + ", relay "
                    + BindingCheck.format(client.relayed()), d);
        } catch (Exception e) {
            d.put("causeKey", Causes.key(e)); // for scripts: no-relay-for-family, auth-rejected, timeout, ...
            d.put("family", o.familyName());
            return result(t0, CheckResult.Status.FAIL, Causes.words(e, o), d);
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    private static CheckResult result(long t0, CheckResult.Status s, String cause, Map<String, Object> d) {
        return new CheckResult("auth", s, cause, (System.nanoTime() - t0) / 1_000_000, d);
    }
}
