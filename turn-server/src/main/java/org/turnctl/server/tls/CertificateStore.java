package org.turnctl.server.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's TLS certificate and the {@link SslContext} made from it. New connections take
 * {@link #context()} when they start their handshake, so a reload (SIGHUP, or the files changed on
 * disk, as ACME clients replace them) reaches every new handshake at once while established
 * sessions keep theirs. A bad new certificate leaves the old one in place.
 *
 * <p>TLS 1.3 and 1.2 only, on the {@link #engine()}; ALPN offers {@code stun.turn} (RFC 7443) and a client that offers no
 * ALPN, or another protocol, is accepted all the same, as browsers do not send it.
 */
public final class CertificateStore {
    /** RFC 7443's ALPN protocol id for TURN. */
    public static final String ALPN_STUN_TURN = "stun.turn";
    /**
     * Forward-secret AEAD suites only (Mozilla's "intermediate" list): TLS 1.3's, then TLS 1.2's
     * ECDHE with AES-GCM or ChaCha20-Poly1305. The JDK's defaults also offer static-RSA and CBC
     * suites, which a relay on a public address has no reason to accept.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** TLS handshakes that take longer are closed (slowloris on the handshake). */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Path certFile;
    private final Path keyFile;
    private final AtomicReference<Loaded> current = new AtomicReference<>();

    /** One loaded certificate: the TLS and DTLS contexts, what they were made from, and the file times seen. */
    private record Loaded(SslContext context, javax.net.ssl.SSLContext dtls, PemCredentials credentials, FileTime certTime,
            FileTime keyTime) {
    }

    private CertificateStore(Path certFile, Path keyFile, Loaded first) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        current.set(first);
    }

    /** Loads the files or says in one line what is wrong with them. */
    public static CertificateStore load(Path certFile, Path keyFile) throws PemCredentials.InvalidException {
        return new CertificateStore(certFile, keyFile, read(certFile, keyFile));
    }

    private static Loaded read(Path certFile, Path keyFile) throws PemCredentials.InvalidException {
        FileTime certTime = mtime(certFile);
        FileTime keyTime = mtime(keyFile);
        PemCredentials credentials = PemCredentials.load(certFile, keyFile);
        try {
            SslContext context = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                    .sslProvider(engine())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.NONE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ALPN_STUN_TURN))
                    .build();
            return new Loaded(context, dtlsContext(credentials), credentials, certTime, keyTime);
        } catch (IllegalArgumentException | java.security.GeneralSecurityException | IOException e) {
            throw new PemCredentials.InvalidException("--cert " + certFile + " / --key " + keyFile + ": " + e.getMessage());
        }
    }

    /**
     * The TLS engine: BoringSSL (netty-tcnative) where its native library loads, which measured
     * at half the JDK engine's CPU per relayed packet and a third per handshake (README,
     * "Performance"); else the JDK's. {@code -Dturnctl.tls.engine=jdk} forces the JDK's.
     */
    public static SslProvider engine() {
        if (!"jdk".equals(System.getProperty("turnctl.tls.engine")) && io.netty.handler.ssl.OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        return SslProvider.JDK;
    }

    /** The JDK's DTLS 1.2 engine over the same key and chain (netty-tcnative has no DTLS server). */
    private static javax.net.ssl.SSLContext dtlsContext(PemCredentials credentials)
            throws java.security.GeneralSecurityException, IOException {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("turnctl", credentials.key(), new char[0],
                credentials.chain().toArray(new java.security.cert.Certificate[0]));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("DTLSv1.2");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A server DTLS 1.2 engine for one client, with the same cipher suites as TLS, records of at most 1400 bytes. */
    public javax.net.ssl.SSLEngine newDtlsEngine(java.net.InetSocketAddress client) {
        javax.net.ssl.SSLEngine e = current.get().dtls().createSSLEngine(client.getHostString(), client.getPort());
        e.setUseClientMode(false);
        javax.net.ssl.SSLParameters p = e.getSSLParameters();
        java.util.Set<String> supported = java.util.Set.of(e.getSupportedCipherSuites());
        p.setProtocols(new String[] {"DTLSv1.2"});
        p.setCipherSuites(CIPHERS.stream().filter(supported::contains).toArray(String[]::new));
        p.setMaximumPacketSize(1400);
        e.setSSLParameters(p);
        return e;
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** The context new handshakes use. */
    public SslContext context() {
        return current.get().context();
    }

    public PemCredentials credentials() {
        return current.get().credentials();
    }

    /** Seconds until the leaf certificate expires (negative once it has). */
    public long secondsLeft(Instant now) {
        return Duration.between(now, credentials().leaf().getNotAfter().toInstant()).getSeconds();
    }

    /** "CN=turn.example.org, 41 days left" for log lines. */
    public String describe(Instant now) {
        long days = Math.floorDiv(secondsLeft(now), 86_400);
        return credentials().leaf().getSubjectX500Principal().getName() + ", "
                + (days >= 0 ? days + " day(s) left" : "EXPIRED " + -days + " day(s) ago");
    }

    /** True when either file's modification time differs from the loaded one's. */
    public boolean filesChanged() {
        Loaded l = current.get();
        return !Objects.equals(l.certTime(), mtime(certFile)) || !Objects.equals(l.keyTime(), mtime(keyFile));
    }

    /**
     * Reads the files again. On success new handshakes get the new certificate; on failure the old
     * one stays and the exception says why.
     */
    public void reload() throws PemCredentials.InvalidException {
        current.set(read(certFile, keyFile));
    }

    public Path certFile() {
        return certFile;
    }
}
