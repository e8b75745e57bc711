package org.turnctl.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * TURN over TLS (RFC 8656 section 3.1, RFC 7443 ALPN): the certificate chain and key files, the
 * TLS listen addresses, and whether the plain TCP listeners also accept TLS (detected by the
 * first byte of a connection).
 *
 * @param certFile        PEM chain, leaf first; null for no TLS
 * @param keyFile         PEM private key (PKCS#8, or PKCS#1/SEC 1)
 * @param listen          TLS listen addresses (empty: none besides the TCP listeners)
 * @param onTcpListeners  the TCP listeners detect TLS too (one port 443 for both)
 * @param dtlsListen      DTLS listen addresses (RFC 7350; empty: no DTLS)
 */
public record TlsConfig(Path certFile, Path keyFile, List<InetSocketAddress> listen, boolean onTcpListeners,
        List<InetSocketAddress> dtlsListen) {
    public static final TlsConfig NONE = new TlsConfig(null, null, List.of(), false, List.of());

    /** Without DTLS. */
    public TlsConfig(Path certFile, Path keyFile, List<InetSocketAddress> listen, boolean onTcpListeners) {
        this(certFile, keyFile, listen, onTcpListeners, List.of());
    }

    public TlsConfig {
        listen = List.copyOf(listen);
        dtlsListen = List.copyOf(dtlsListen);
        if (certFile == null && !dtlsListen.isEmpty()) {
            throw new IllegalArgumentException("--dtls-listen needs a certificate: give --cert and --key");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        if (certFile == null && (!listen.isEmpty() || onTcpListeners)) {
            throw new IllegalArgumentException((onTcpListeners ? "--tls-on-tcp-listeners" : "--tls-listen")
                    + " needs a certificate: give --cert and --key");
        }
    }

    public boolean enabled() {
        return certFile != null;
    }
}
