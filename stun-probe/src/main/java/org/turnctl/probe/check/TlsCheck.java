package org.turnctl.probe.check;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.turnctl.probe.client.DtlsTransport;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TlsConnector;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Protection;

/**
 * The first check of a turns:/stuns: target: the TLS handshake, and the certificate judged the
 * way a browser would, with the reason named when it would be refused. The handshake is made
 * with a trust manager that accepts and records any chain, so the chain can be shown and judged
 * even when it is bad; the verdict is then {@link CertificateDiagnosis}'s.
 */
public final class TlsCheck {
    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

    private TlsCheck() {
    }

    /** The check's result, and the report for targets[].tls (null when no TLS session was made). */
    public record Outcome(CheckResult result, TlsReport report) {
        public boolean passed() {
            return result.status() != CheckResult.Status.FAIL;
        }
    }

    public static Outcome run(Target target) {
        TlsOptions tls = target.tlsOptions();
        TlsOptions.RecordingTrustManager recorder = new TlsOptions.RecordingTrustManager();
        long t0 = System.nanoTime();
        boolean dtls = target.uri().transport() == IceServerUri.Transport.UDP;
        SSLSocket socket = null;
        DtlsTransport datagrams = null;
        try {
            SSLContext ctx = SSLContext.getInstance(dtls ? "DTLSv1.2" : "TLS");
            ctx.init(null, new TrustManager[] {recorder}, null);
            if (dtls) {
                datagrams = DtlsTransport.connect(target.address(), target.uri().host(), target.options().timeoutMs(), ctx);
            } else {
                socket = TlsConnector.connect(target.address(), target.uri().host(), target.options().timeoutMs(), ctx, false);
            }
        } catch (java.net.SocketTimeoutException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (dtls && answersPlainStun(target)) {
                return noTls(ms);
            }
            return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, Causes.words(e, target.options()), ms, Map.of()),
                    null);
        } catch (SSLException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return handshakeFailed(target, e, ms);
        } catch (IOException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, Causes.words(e, target.options()), ms, Map.of()),
                    null);
        } catch (GeneralSecurityException e) {
            return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, "internal error: " + e.getMessage(), 0,
                    Map.of()), null);
        }
        long handshakeMs = (System.nanoTime() - t0) / 1_000_000;
        try (java.io.Closeable connection = dtls ? datagrams : socket) {
            SSLSession session = dtls ? datagrams.session() : socket.getSession();
            X509Certificate[] chain = recorder.chain();
            Instant now = Instant.now();
            long daysLeft = Math.floorDiv(Duration.between(now, chain[0].getNotAfter().toInstant()).getSeconds(), 86_400);
            CertificateDiagnosis.Finding finding;
            if (tls.insecure()) {
                finding = new CertificateDiagnosis.Finding("insecure", "not verified (--insecure)");
            } else {
                X509TrustManager trust = tls.trustManager();
                finding = CertificateDiagnosis.diagnose(chain, recorder.authType(), target.uri().host(), trust, now);
            }
            boolean verified = finding.cause() == null;
            if (verified && daysLeft < tls.minCertDays()) {
                finding = new CertificateDiagnosis.Finding("expires-soon", "the certificate expires in " + daysLeft
                        + " day(s), fewer than --min-cert-days " + tls.minCertDays());
            }
            List<TlsReport.CertificateInfo> infos = new ArrayList<>();
            for (X509Certificate c : chain) {
                infos.add(new TlsReport.CertificateInfo(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                        CertificateDiagnosis.sans(c), c.getNotAfter().toInstant().toString()));
            }
            String alpn = dtls ? "" : socket.getApplicationProtocol();
            TlsReport report = new TlsReport(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn,
                    handshakeMs, verified, finding.cause(), infos, daysLeft);
            Map<String, Object> d = details(report);
            String summary = session.getProtocol() + " " + session.getCipherSuite()
                    + (report.alpn().isEmpty() ? ", no ALPN" : ", ALPN " + report.alpn()) + ", certificate "
                    + chain[0].getSubjectX500Principal().getName() + " (" + daysLeft + " days left)";
            CheckResult.Status status = finding.cause() == null ? CheckResult.Status.PASS
                    : tls.insecure() ? CheckResult.Status.WARN : CheckResult.Status.FAIL;
            String cause = finding.cause() == null ? summary + ", verified"
                    : finding.cause() + ": " + finding.words() + " (" + summary + ")";
            return new Outcome(new CheckResult("tls", status, cause, handshakeMs, d), report);
        } catch (IOException | GeneralSecurityException e) {
            return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, "cannot judge the certificate: " + e.getMessage(),
                    handshakeMs, Map.of()), null);
        }
    }

    private static Map<String, Object> details(TlsReport r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", r.version());
        d.put("cipher", r.cipher());
        d.put("alpn", r.alpn());
        d.put("handshakeMs", r.handshakeMs());
        d.put("verified", r.verified());
        if (r.cause() != null) {
            d.put("cause", r.cause());
        }
        d.put("daysLeft", r.daysLeft());
        for (int i = 0; i < r.chain().size(); i++) {
            TlsReport.CertificateInfo c = r.chain().get(i);
            d.put("chain" + i, c.subject() + " <- " + c.issuer() + " " + c.sans() + " until " + c.notAfter());
        }
        return d;
    }

    /**
     * No TLS session: a plain STUN server on the port ({@code no-tls}), or a refused handshake
     * ({@code handshake-failed}, with the alert's name when the server sent one).
     */
    private static Outcome handshakeFailed(Target target, SSLException e, long ms) {
        if (answersPlainStun(target)) {
            return noTls(ms);
        }
        Matcher m = ALERT.matcher(String.valueOf(e.getMessage()));
        String alert = m.find() ? m.group(1) : null;
        String words = "handshake-failed: " + (alert != null ? "the server sent the TLS alert " + alert
                : String.valueOf(e.getMessage()));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("cause", "handshake-failed");
        if (alert != null) {
            d.put("alert", alert);
        }
        return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, words, ms, d),
                new TlsReport("", "", "", ms, false, "handshake-failed", List.of(), null));
    }

    private static Outcome noTls(long ms) {
        return new Outcome(new CheckResult("tls", CheckResult.Status.FAIL, "no-tls: the server answers plain STUN on this "
                + "port, not TLS (use turn:...?transport=tcp|udp, or point turns: at the TLS/DTLS port)", ms,
                Map.of("cause", "no-tls")), new TlsReport("", "", "", ms, false, "no-tls", List.of(), null));
    }

    private static boolean answersPlainStun(Target target) {
        try (StunClient plain = StunClient.open(target.address(), target.uri().transport(),
                Math.min(2000, target.options().timeoutMs()))) {
            StunMessage r = plain.transact(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE);
            return r.messageClass() == MessageClass.SUCCESS_RESPONSE;
        } catch (Exception notStun) {
            return false;
        }
    }
}
