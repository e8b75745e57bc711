package org.turnctl.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made with BouncyCastle: a self-signed one for labs ({@code turnctl cert
 * self-signed}), and CA-issued ones for tests that need a private CA, an intermediate, an expired
 * leaf or a wrong name. EC P-256 keys, SHA-256 signatures.
 */
public final class SelfSignedCertificate {

    private SelfSignedCertificate() {
    }

    /** A key pair and its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is required by every Java platform", e);
        }
    }

    /** A self-signed server certificate for {@code host} (a DNS name or an IP literal), valid from now for {@code days}. */
    public static Issued create(String host, int days) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        return new Issued(keys, buildWithIssuer("CN=" + host, host, keys, new X500Name("CN=" + host), keys.getPrivate(), false,
                now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(days))));
    }

    /** A CA certificate (basicConstraints CA:true) with this name, self-signed or signed by {@code issuer}. */
    public static Issued authority(String name, Issued issuer, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name issuerName = issuer == null ? new X500Name("CN=" + name)
                : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
        return new Issued(keys, buildWithIssuer("CN=" + name, null, keys, issuerName, signer, true, notBefore, notAfter));
    }

    /** A server certificate for {@code host} issued by {@code issuer}. */
    public static Issued leaf(String host, Issued issuer, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        return new Issued(keys, buildWithIssuer("CN=" + host, host, keys, issuerName, issuer.keys().getPrivate(), false,
                notBefore, notAfter));
    }

    private static X509Certificate buildWithIssuer(String subject, String host, KeyPair keys, X500Name issuer,
            PrivateKey signer, boolean ca, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                    Date.from(notBefore), Date.from(notAfter), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature));
            if (host != null) {
                boolean ip = host.matches("[0-9.]+") || host.contains(":");
                GeneralName name = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName,
                        ip ? InetAddress.getByName(host).getHostAddress() : host);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot build a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    /** PEM text of certificates, in the order given. */
    public static String pem(List<X509Certificate> certificates) {
        return pemOf(certificates.toArray());
    }

    /** PEM text of a private key (PKCS#8). */
    public static String pem(PrivateKey key) {
        return pemOf(key);
    }

    private static String pemOf(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
                        : o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * Writes {@code cert.pem} and {@code key.pem} (owner-only where the file system has POSIX
     * permissions) into {@code dir}; returns the certificate file.
     */
    public static Path write(Issued issued, List<X509Certificate> chainAbove, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.resolve("key.pem");
        Files.deleteIfExists(key);
        try {
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(key);
        }
        Files.writeString(key, pem(issued.keys().getPrivate()), StandardCharsets.US_ASCII);
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(issued.certificate());
        chain.addAll(chainAbove);
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, pem(chain), StandardCharsets.US_ASCII);
        return cert;
    }
}
