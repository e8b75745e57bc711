package org.turnctl.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key, read from PEM files as ACME clients and CAs write
 * them: the chain with the leaf first; the key as PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 /
 * SEC 1 ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}). Encrypted keys are refused
 * with a message saying so: a relay restarts unattended.
 */
public record PemCredentials(List<X509Certificate> chain, PrivateKey key) {

    /** What is wrong with the files, in words for the operator (no stack trace). */
    public static final class InvalidException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidException(String message) {
            super(message, null, false, false);
        }
    }

    public PemCredentials {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public static PemCredentials load(Path certFile, Path keyFile) throws InvalidException {
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile);
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new InvalidException("--key " + keyFile + ": a " + key.getAlgorithm() + " key for a "
                    + chain.get(0).getPublicKey().getAlgorithm() + " certificate");
        }
        return new PemCredentials(chain, key);
    }

    private static List<X509Certificate> readChain(Path file) throws InvalidException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new InvalidException("--cert " + file + ": " + why(e));
        }
        if (chain.isEmpty()) {
            throw new InvalidException("--cert " + file + ": no PEM certificate (BEGIN CERTIFICATE) in it");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws InvalidException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o.getClass().getSimpleName().contains("Encrypted")) {
                    throw new InvalidException("--key " + file + ": the key is encrypted; give an unencrypted key "
                            + "(readable by the service user only)");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidException("--key " + file + ": " + why(e));
        }
        throw new InvalidException("--key " + file + ": no PEM private key (BEGIN PRIVATE KEY, RSA or EC PRIVATE KEY) in it");
    }

    private static String why(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
