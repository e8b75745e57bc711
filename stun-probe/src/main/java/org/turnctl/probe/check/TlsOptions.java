package org.turnctl.probe.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a turns:/stuns: target's certificate is judged.
 *
 * @param caFile      --ca-file: PEM certificates to trust instead of the JVM's trust store, or null
 * @param insecure    --insecure: do not verify (the tls check becomes a warning)
 * @param minCertDays --min-cert-days: fail when fewer days are left
 */
public record TlsOptions(Path caFile, boolean insecure, int minCertDays) {
    public static final TlsOptions DEFAULT = new TlsOptions(null, false, 14);

    /** The trust manager that decides: --ca-file's certificates, or the JVM's trust store. */
    public X509TrustManager trustManager() throws IOException, GeneralSecurityException {
        KeyStore anchors = null;
        if (caFile != null) {
            anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.setCertificateEntry("ca-" + i++, c);
                }
            }
            if (i == 0) {
                throw new GeneralSecurityException("--ca-file " + caFile + ": no PEM certificate in it");
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    private static final java.util.concurrent.ConcurrentHashMap<TlsOptions, SSLContext> CONTEXTS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<TlsOptions, SSLContext> DTLS_CONTEXTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The context the other checks connect with: verifying (or, with --insecure, trusting
     * anything). Made once per options: a success run opens many connections.
     */
    public SSLContext context() throws IOException, GeneralSecurityException {
        return context("TLS");
    }

    /** The same for DTLS (turns:...?transport=udp). */
    public SSLContext dtlsContext() throws IOException, GeneralSecurityException {
        return context("DTLSv1.2");
    }

    private SSLContext context(String protocol) throws IOException, GeneralSecurityException {
        String key = protocol;
        SSLContext cached = (protocol.equals("TLS") ? CONTEXTS : DTLS_CONTEXTS).get(this);
        if (cached != null) {
            return cached;
        }
        SSLContext ctx = SSLContext.getInstance(key);
        ctx.init(null, new TrustManager[] {insecure ? new RecordingTrustManager() : trustManager()}, null);
        (protocol.equals("TLS") ? CONTEXTS : DTLS_CONTEXTS).putIfAbsent(this, ctx);
        return ctx;
    }

    /** Trusts every chain, and keeps the last one it saw with the key exchange's auth type. */
    public static final class RecordingTrustManager implements X509TrustManager {
        private volatile X509Certificate[] chain;
        private volatile String authType;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain.clone();
            this.authType = authType;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        public X509Certificate[] chain() {
            return chain;
        }

        public String authType() {
            return authType;
        }
    }
}
