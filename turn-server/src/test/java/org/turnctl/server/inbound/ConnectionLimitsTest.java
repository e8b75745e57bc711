package org.turnctl.server.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.MicrometerTurnMetrics;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** TCP connection caps, per IP and in total, on a real server: refused at accept, counted, and freed on close. */
class ConnectionLimitsTest {

    private static ServerConfig config(int perIp, int total) {
        return new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), List.of(), Map.of(),
                49152, 65535, "caps.test", Map.of("alice", new byte[16]), List.of(), List.of(), List.of(), true, 0, 0, 3600,
                600, false, 2, null, TimeSource.SYSTEM).withTcpCaps(perIp, total);
    }

    /** True when the server answers a Binding on {@code s}; false when it closed the connection. */
    private static boolean answers(Socket s) throws IOException {
        s.setSoTimeout(3000);
        s.getOutputStream().write(StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(),
                Protection.NONE));
        try {
            byte[] head = new byte[20];
            new DataInputStream(s.getInputStream()).readFully(head);
            return true;
        } catch (java.io.EOFException | java.net.SocketException e) {
            return false; // closed at accept
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither answered nor closed within 3 s");
        }
    }

    @Test
    void perIpAndTotalCapsRefuseAtAcceptAndFreeOnClose() throws Exception {
        for (int[] caps : new int[][] {{3, 0}, {0, 3}}) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (TurnServer server = TurnServer.start(config(caps[0], caps[1]), new MicrometerTurnMetrics(registry, () -> 0))) {
                InetSocketAddress at = server.tcpAddresses().get(0);
                List<Socket> open = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        Socket s = new Socket(at.getAddress(), at.getPort());
                        open.add(s);
                        assertTrue(answers(s), "connection " + (i + 1) + " is within the cap");
                    }
                    try (Socket fourth = new Socket(at.getAddress(), at.getPort())) {
                        assertTrue(!answers(fourth), "the fourth is closed at accept");
                    }
                    String reason = caps[0] > 0 ? "per_ip" : "total";
                    assertEquals(1.0, registry.get("turn_tcp_connections_refused_total").tag("reason", reason).counter().count());
                    open.remove(0).close();
                    // The server sees the close, then admits a new one.
                    assertTrue(Await.until(Duration.ofSeconds(5), () -> {
                        try (Socket again = new Socket(at.getAddress(), at.getPort())) {
                            return answers(again);
                        } catch (IOException e) {
                            return false;
                        }
                    }), "a slot frees when a connection closes");
                } finally {
                    for (Socket s : open) {
                        s.close();
                    }
                }
            }
        }
    }
}
