package org.turnctl.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.config.TlsConfig;
import picocli.CommandLine.Option;

/** The options of `turnctl serve` for TURN over TLS and DTLS, and the listeners they default to. */
final class ServeTlsOptions {
    @Option(names = "--cert", paramLabel = "FILE",
            description = "TLS certificate chain, PEM, leaf first (TURN over TLS: turns:). Reloaded on SIGHUP and "
                    + "when the file changes.")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE", description = "The certificate's private key, PEM (PKCS#8, or PKCS#1/EC).")
    Path keyFile;

    @Option(names = "--tls-listen", paramLabel = "ADDR:PORT", split = ",", converter = Converters.HostPort.class,
            description = "TLS listen address (repeatable). Default with --cert: [::]:5349 (0.0.0.0:5349 without IPv6). "
                    + "Any port works, 443 included.")
    List<InetSocketAddress> tlsListen = new ArrayList<>();

    @Option(names = "--dtls-listen", paramLabel = "ADDR:PORT", split = ",", converter = Converters.HostPort.class,
            description = "DTLS listen address (repeatable; RFC 7350). Default with --cert: the --tls-listen addresses, over UDP.")
    List<InetSocketAddress> dtlsListen = new ArrayList<>();

    @Option(names = "--no-dtls", description = "No DTLS listeners.")
    boolean noDtls;

    @Option(names = "--tls-on-tcp-listeners",
            description = "The --listen TCP ports also accept TLS, told apart by a connection's first byte, so one port "
                    + "(443) serves TURN over TCP and over TLS. Needs --cert.")
    boolean tlsOnTcpListeners;

    /** With --cert and no listener named: TLS on 5349 (the wildcard of the host's families), DTLS on the same ports. */
    TlsConfig config() {
        List<InetSocketAddress> at = new ArrayList<>(tlsListen);
        if (certFile != null && at.isEmpty()) {
            at.add(new InetSocketAddress(Converters.ip(ServeCommand.hasIpv6() ? "::" : "0.0.0.0"), 5349));
        }
        List<InetSocketAddress> dtls = new ArrayList<>(dtlsListen);
        if (noDtls) {
            dtls.clear();
        } else if (certFile != null && dtls.isEmpty()) {
            dtls.addAll(at); // the same ports over UDP
        }
        return new TlsConfig(certFile, keyFile, at, tlsOnTcpListeners, dtls);
    }
}
