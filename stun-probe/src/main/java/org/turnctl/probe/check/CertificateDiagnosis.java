package org.turnctl.probe.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;

/**
 * Why a certificate chain would be refused, named the way operators search for it. Checked in
 * the order a fix goes: dates first (a renewal fixes them), then trust (which certificates the
 * server sends), then the name.
 */
final class CertificateDiagnosis {
    private static final int DNS = 2;
    private static final int IP = 7;

    private CertificateDiagnosis() {
    }

    /** A named cause and a sentence; cause null when the chain is good for {@code host}. */
    record Finding(String cause, String words) {
    }

    static Finding diagnose(X509Certificate[] chain, String authType, String host, X509TrustManager trust, Instant now) {
        X509Certificate leaf = chain[0];
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return new Finding("expired", "the certificate expired on " + leaf.getNotAfter().toInstant()
                    + " (a failed renewal?)");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return new Finding("not-yet-valid", "the certificate is valid only from " + leaf.getNotBefore().toInstant()
                    + " (or this machine's clock is wrong)");
        }
        try {
            trust.checkServerTrusted(chain, authType == null ? "UNKNOWN" : authType);
        } catch (CertificateException | IllegalArgumentException e) {
            return untrusted(chain, trust);
        }
        List<String> sans = sans(leaf);
        if (!matches(host, sans)) {
            return new Finding("hostname-mismatch", "the certificate is for " + (sans.isEmpty() ? "no name (no subjectAltName)"
                    : String.join(", ", sans)) + ", not " + host);
        }
        return new Finding(null, "verified");
    }

    /** Tells apart the three ways a chain fails to reach a trust anchor. */
    private static Finding untrusted(X509Certificate[] chain, X509TrustManager trust) {
        X509Certificate leaf = chain[0];
        if (selfIssued(leaf) && signedBy(leaf, leaf)) {
            return new Finding("self-signed", "the certificate is self-signed (" + leaf.getSubjectX500Principal().getName()
                    + ") and not in the trust store");
        }
        boolean issuerSent = Arrays.stream(chain).skip(1).anyMatch(c -> signedBy(leaf, c));
        boolean issuerAnchor = Arrays.stream(trust.getAcceptedIssuers()).anyMatch(c -> signedBy(leaf, c));
        if (!issuerSent && !issuerAnchor) {
            return new Finding("incomplete-chain", "the server sent no certificate for the leaf's issuer ("
                    + leaf.getIssuerX500Principal().getName() + "), which is not a trust anchor either: add the intermediate "
                    + "certificate(s) to the --cert file after the leaf");
        }
        X509Certificate top = chain[chain.length - 1];
        return new Finding("unknown-ca", "the chain ends at " + top.getIssuerX500Principal().getName()
                + ", which this trust store does not know (a private CA? give --ca-file)");
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            c.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** subjectAltName DNS names and IP addresses, as written in the certificate. */
    static List<String> sans(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> entry : c.getSubjectAlternativeNames()) {
                    int type = (Integer) entry.get(0);
                    if (type == DNS || type == IP) {
                        out.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }

    /**
     * RFC 6125 matching against subjectAltName only: an IP literal against IP entries, a name
     * against DNS entries, a wildcard only as the whole left-most label.
     */
    static boolean matches(String host, List<String> sans) {
        boolean literal = host.contains(":") || host.matches("[0-9.]+");
        for (String san : sans) {
            if (literal) {
                if (sameIp(host, san)) {
                    return true;
                }
            } else {
                String h = host.toLowerCase(Locale.ROOT);
                String s = san.toLowerCase(Locale.ROOT);
                if (s.equals(h)) {
                    return true;
                }
                if (s.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(s.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameIp(String a, String b) {
        try {
            return (b.contains(":") || b.matches("[0-9.]+")) && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
