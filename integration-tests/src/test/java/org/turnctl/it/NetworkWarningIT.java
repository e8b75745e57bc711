package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;

/**
 * A probe behind a network that blocks UDP, in front of a healthy relay: the relay answers TCP on
 * a port where nothing answers UDP (a TCP forwarder on loopback, the userland stand-in for a
 * UDP-dropping firewall). The TCP target passes with a network warning; the UDP target fails,
 * because it cannot work without UDP; --strict-network fails both.
 */
class NetworkWarningIT {
    private static final String REALM = "net.test";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Accepts on a free loopback port and copies each connection both ways to {@code to}; bounded by the test's sockets. */
    private int tcpForwarder(InetSocketAddress to) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(listener);
        Thread accept = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket in = listener.accept();
                    Socket out = new Socket(to.getAddress(), to.getPort());
                    open.add(in);
                    open.add(out);
                    pump(in.getInputStream(), out.getOutputStream());
                    pump(out.getInputStream(), in.getOutputStream());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "tcp-forwarder");
        accept.setDaemon(true);
        accept.start();
        return listener.getLocalPort();
    }

    private static void pump(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException closed) {
                // one side closed: the test's sockets end with it
            }
        }, "tcp-forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void blockedUdpWarnsForTcpTargetsAndFailsUdpTargets(@TempDir Path dir) throws Exception {
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM));
        open.add(server::close);
        // TCP reaches the relay; UDP to the same port reaches nothing (port unreachable), as through a UDP-dropping firewall.
        int port = tcpForwarder(server.tcpAddresses().get(0));
        String tcp = "turn:127.0.0.1:" + port + "?transport=tcp";
        String udp = "turn:127.0.0.1:" + port + "?transport=udp";

        Path xml = dir.resolve("probe.xml");
        ProbeIT.Cli tcpOnly = ProbeIT.cli("probe", tcp, "--user", "alice", "--password", "secret", "--count", "3",
                "--progress", "never", "--junit-xml", xml.toString(), "--timeout", "2s");
        assertEquals(0, tcpOnly.code(), "a healthy TCP relay passes from a UDP-blocked network:\n" + tcpOnly.out() + tcpOnly.err());
        assertTrue(tcpOnly.out().startsWith("PASS: 1 of 1 target(s) passed, 1 network warning"), tcpOnly.out());
        assertTrue(tcpOnly.out().contains("network warning (not the relay's fault): nat: UDP is blocked: no answer over UDP, "
                + "but TCP works (media will need TURN over TCP/TLS)"), tcpOnly.out());
        String junit = Files.readString(xml);
        assertTrue(junit.contains("<system-err>network warning: UDP is blocked"), junit);
        assertFalse(junit.contains("<failure"), junit);

        ProbeIT.Cli json = ProbeIT.cli("probe", tcp, "--user", "alice", "--password", "secret", "--count", "2",
                "--progress", "never", "--format", "json", "--timeout", "2s");
        assertEquals(0, json.code(), json.out() + json.err());
        String compact = json.out().replaceAll("\\s+", "");
        assertTrue(compact.contains("\"name\":\"nat\",\"status\":\"warn\",\"subject\":\"network\""), json.out());
        assertTrue(compact.contains("\"name\":\"relay\",\"status\":\"pass\",\"subject\":\"relay\""), json.out());
        assertTrue(compact.contains("\"warnings\":[\"nat:UDPisblocked"), json.out());

        ProbeIT.Cli both = ProbeIT.cli("probe", tcp, udp, "--user", "alice", "--password", "secret", "--count", "2",
                "--progress", "never", "--timeout", "2s");
        assertEquals(1, both.code(), "the UDP target cannot work without UDP:\n" + both.out());
        assertTrue(both.out().contains("== " + udp + ": FAIL"), both.out());
        assertTrue(both.out().contains("== " + tcp + ": PASS"), both.out());

        ProbeIT.Cli strict = ProbeIT.cli("probe", tcp, "--user", "alice", "--password", "secret", "--count", "2",
                "--progress", "never", "--timeout", "2s", "--strict-network");
        assertEquals(1, strict.code(), "--strict-network asserts the probe's own network:\n" + strict.out());
        assertTrue(strict.out().contains("== " + tcp + ": FAIL"), strict.out());
    }
}
