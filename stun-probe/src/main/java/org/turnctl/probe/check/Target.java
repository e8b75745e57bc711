package org.turnctl.probe.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import org.turnctl.probe.client.DtlsTransport;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TlsConnector;
import org.turnctl.probe.client.TurnClient;

/** The server being probed, resolved, and how to reach it. */
public record Target(IceServerUri uri, InetSocketAddress address, ProbeOptions options) {

    /**
     * A STUN client to the target: UDP, TCP, or for turns:/stuns: TLS over TCP, verified as the
     * tls check verifies it (unless --insecure).
     */
    public StunClient open() throws IOException {
        if (uri.isSecure() && uri.transport() == IceServerUri.Transport.UDP) {
            try {
                // DTLS: the chain is verified by the context; the host name was checked by the tls check.
                return StunClient.over(DtlsTransport.connect(address, uri.host(), options.timeoutMs(),
                        tlsOptions().dtlsContext()), address, options.timeoutMs());
            } catch (GeneralSecurityException e) {
                throw new IOException("DTLS: " + e.getMessage(), e);
            }
        }
        if (uri.isSecure()) {
            try {
                return StunClient.over(TlsConnector.connect(address, uri.host(), options.timeoutMs(),
                        tlsOptions().context(), !tlsOptions().insecure()), address, options.timeoutMs());
            } catch (GeneralSecurityException e) {
                throw new IOException("TLS: " + e.getMessage(), e);
            }
        }
        return StunClient.open(address, uri.transport(), options.timeoutMs());
    }

    public TurnClient turnClient() throws IOException {
        return new TurnClient(open(), options.username(), options.password(), options.auth()).requestingFamily(options.family());
    }

    public TlsOptions tlsOptions() {
        return options.tls();
    }
}
