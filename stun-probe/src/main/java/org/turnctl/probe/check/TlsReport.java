package org.turnctl.probe.check;

import java.util.List;

/**
 * What the tls check saw, for {@code targets[].tls} in the JSON report.
 *
 * @param verified true when the chain verified against the trust store (or --ca-file) and the name matched
 * @param cause    null when all is well, else a named cause: expired, not-yet-valid, hostname-mismatch,
 *                 unknown-ca, incomplete-chain, self-signed, handshake-failed, no-tls, expires-soon, insecure
 * @param daysLeft whole days until the leaf expires (negative once expired), or null without a chain
 */
public record TlsReport(String version, String cipher, String alpn, long handshakeMs, boolean verified, String cause,
        List<CertificateInfo> chain, Long daysLeft) {

    public TlsReport {
        chain = List.copyOf(chain);
    }

    /** One certificate of the chain the server sent, leaf first. */
    public record CertificateInfo(String subject, String issuer, List<String> sans, String notAfter) {
        public CertificateInfo {
            sans = List.copyOf(sans);
        }
    }
}
