package org.turnctl.probe.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens TLS to a turns:/stuns: server (RFC 7065, RFC 8656 section 3.1): a TCP connection, then a
 * handshake that offers ALPN {@code stun.turn} (RFC 7443) and sends the host name as SNI. Whether
 * the certificate is checked, and against what, is the {@link SSLContext}'s business; the host
 * name is checked when {@code verifyHostname}.
 */
public final class TlsConnector {
    public static final String ALPN_STUN_TURN = "stun.turn";

    private TlsConnector() {
    }

    public static SSLSocket connect(InetSocketAddress server, String host, long timeoutMs, SSLContext context,
            boolean verifyHostname) throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
        Socket raw = new Socket();
        try {
            raw.connect(server, timeout);
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(timeout);
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, host, server.getPort(), true);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {ALPN_STUN_TURN});
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            if (verifyHostname) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!host.contains(":") && !host.matches("[0-9.]+")) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
