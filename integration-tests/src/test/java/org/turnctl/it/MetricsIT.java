package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.MicrometerTurnMetrics;
import org.turnctl.server.metrics.Operations;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.Octets;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.UnknownAttribute;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.DontFragment;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.testsupport.Await;

/** /metrics after real relayed traffic, with exact values; /healthz and /readyz through start and stop. */
class MetricsIT {
    private static final String REALM = "metrics.test";

    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        assertTrue(m.find(), series + " not in scrape:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    static int status(HttpClient http, InetSocketAddress at, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void liveMetricsMatchTheTrafficAndHealthFollowsTheLifecycle() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Operations ops = Operations.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress at = ops.address();
            assertEquals(200, status(http, at, "/healthz"));
            assertEquals(503, status(http, at, "/readyz"), "not ready before the listeners are bound");
            String before = ops.scrape();
            // Every label value is there from the start.
            for (String r : MicrometerTurnMetrics.ALLOCATE_RESULTS) {
                assertEquals(0.0, value(before, "turn_allocations_total{result=\"" + r + "\"}"));
            }
            assertEquals(0.0, value(before, "turn_allocations_active{family=\"ipv6\",transport=\"tcp\"}"));

            TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                    List.of(), Map.of(), 50000, 50999, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "pw")),
                    List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM), ops.metrics());
            ops.relayPortsInUse(() -> server.relayPortsInUse());
            ops.ready(true);
            try {
                assertEquals(200, status(http, at, "/readyz"));
                InetSocketAddress turn = server.udpAddresses().get(0);
                TurnClient a = new TurnClient(StunClient.open(turn, IceServerUri.Transport.UDP, 3000), "alice", "pw");
                TurnClient b = new TurnClient(StunClient.open(turn, IceServerUri.Transport.UDP, 3000), "alice", "pw");
                TurnClient wrong = new TurnClient(StunClient.open(turn, IceServerUri.Transport.UDP, 3000), "alice", "nope");
                try {
                    a.allocate();
                    b.allocate();
                    a.createPermission(b.relayed());
                    b.createPermission(a.relayed());
                    try {
                        wrong.allocate();
                    } catch (org.turnctl.probe.client.TurnErrorException expected) {
                        assertEquals(401, expected.code());
                    }
                    int received = 0;
                    for (int i = 0; i < 10; i++) {
                        a.send(b.relayed(), new byte[100]);
                        if (TurnClient.payload(b.receive(3000)) != null) {
                            received++;
                        }
                    }
                    assertEquals(10, received);
                    String s = ops.scrape();
                    assertEquals(2.0, value(s, "turn_allocations_active{family=\"ipv4\",transport=\"udp\"}"));
                    assertEquals(2.0, value(s, "turn_allocations_total{result=\"ok\"}"));
                    assertEquals(1.0, value(s, "turn_allocations_total{result=\"401\"}"), "only the rejected one, not the challenges");
                    assertEquals(1.0, value(s, "turn_auth_failures_total{reason=\"bad_integrity\"}"));
                    assertEquals(2.0, value(s, "turn_permissions_active"));
                    assertEquals(10.0, value(s, "turn_relay_packets_total{direction=\"client_to_peer\",transport=\"udp\"}"));
                    assertEquals(1000.0, value(s, "turn_relay_bytes_total{direction=\"client_to_peer\",transport=\"udp\"}"));
                    assertEquals(10.0, value(s, "turn_relay_packets_total{direction=\"peer_to_client\",transport=\"udp\"}"));
                    assertEquals(1000.0, value(s, "turn_relay_bytes_total{direction=\"peer_to_client\",transport=\"udp\"}"));
                    assertEquals(2.0, value(s, "turn_relay_ports_in_use"));
                    assertTrue(value(s, "turn_request_duration_seconds_count{method=\"allocate\"}") >= 2);
                    // The port alert's denominator is the configured range, not a constant.
                    assertEquals(1000.0, value(s, "turn_relay_ports_capacity"));
                    // A few meaningful request-latency bounds (0.1 ms to 100 ms, then +Inf), not a percentile histogram.
                    List<String> bounds = s.lines().filter(l -> l.startsWith("turn_request_duration_seconds_bucket{")
                            && l.contains("method=\"allocate\"")).map(l -> l.replaceAll(".*le=\"([^\"]+)\".*", "$1")).toList();
                    assertEquals(List.of("1.0E-4", "2.5E-4", "5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                            "+Inf"), bounds);
                    assertTrue(s.contains("jvm_memory_used_bytes"), "JVM metrics are exported");
                    System.out.println("/metrics excerpt:\n" + s.lines().filter(l -> l.startsWith("turn_") && !l.contains("_bucket"))
                            .reduce("", (x, y) -> x + y + "\n"));
                } finally {
                    a.close();
                    b.close();
                    wrong.close();
                }
                Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
                String after = ops.scrape();
                assertEquals(0.0, value(after, "turn_allocations_active{family=\"ipv4\",transport=\"udp\"}"));
                assertEquals(0.0, value(after, "turn_permissions_active"));
                assertEquals(0.0, value(after, "turn_relay_ports_in_use"));
            } finally {
                ops.ready(false);
                assertEquals(503, status(http, at, "/readyz"), "not ready while stopping");
                server.close();
            }
        }
    }

    /**
     * Every reason of turn_dropped_packets_total is counted for UDP and TCP alike: each is caused
     * exactly once per transport, on a fresh server, and must show up as exactly 1.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = IceServerUri.Transport.class, names = {"UDP", "TCP"})
    void everyDropReasonReachesMetricsOnEveryTransport(IceServerUri.Transport transport) throws Exception {
        try (Operations ops = Operations.start(null)) {
            TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                    List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "pw")),
                    List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM), ops.metrics());
            InetSocketAddress turn = transport == IceServerUri.Transport.UDP ? server.udpAddresses().get(0)
                    : server.tcpAddresses().get(0);
            try (TurnClient alice = new TurnClient(StunClient.open(turn, transport, 3000), "alice", "pw")) {
                alice.allocate();
                InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
                // no_permission, unknown_attribute, dont_fragment: Send indications on the allocation.
                alice.stun().send(send(nobody).build(), Protection.NONE);
                alice.stun().send(send(nobody).add(new UnknownAttribute(0x7F01, Octets.of(new byte[4]))).build(), Protection.NONE);
                alice.stun().send(send(nobody).add(DontFragment.INSTANCE).build(), Protection.NONE);
                // no_channel: ChannelData on a channel never bound.
                alice.sendChannelData(0x4005, new byte[] {1});
                // no_allocation: ChannelData from a 5-tuple without an allocation.
                raw(transport, turn, new byte[] {0x40, 0x00, 0, 1, 9, 0, 0, 0});
                // malformed: a request whose LIFETIME has a length of 3 (also answered 400).
                byte[] bad = StunCodec.toBytes(StunMessage.builder(Method.REFRESH, MessageClass.REQUEST)
                        .add(new Lifetime(1)).build(), Protection.NONE);
                bad[23] = 3;
                raw(transport, turn, bad);
                // not_stun: a datagram, or a stream, that starts with neither STUN nor ChannelData.
                raw(transport, turn, new byte[] {(byte) 0x16, 3, 1, 0, 0x10, 0, 0, 0});
                // ratelimit cannot be caused from loopback, which is never limited (a spoofed source
                // cannot be loopback); UnauthenticatedLimiterTest drives it through the router.
                // bandwidth needs --max-bps (and a stream is paused, never dropped): RelayLimitsTest.
                List<String> reasons = MicrometerTurnMetrics.DROP_REASONS.stream()
                        .filter(r -> !r.equals("ratelimit") && !r.equals("bandwidth")).toList();
                String scrape = Await.value(Duration.ofSeconds(5), ops::scrape, text -> reasons.stream()
                        .allMatch(r -> text.contains("turn_dropped_packets_total{reason=\"" + r + "\"} 1.0")));
                for (String r : reasons) {
                    assertEquals(1.0, value(scrape, "turn_dropped_packets_total{reason=\"" + r + "\"}"), transport + " " + r);
                }
            } finally {
                server.close();
            }
        }
    }

    private static StunMessage.Builder send(InetSocketAddress peer) {
        return StunMessage.builder(Method.SEND, MessageClass.INDICATION).add(new XorPeerAddress(peer))
                .add(Data.of(new byte[] {1}));
    }

    /** Bytes from a new client socket of the transport, which holds no allocation. */
    private static void raw(IceServerUri.Transport transport, InetSocketAddress server, byte[] bytes) throws Exception {
        if (transport == IceServerUri.Transport.UDP) {
            try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                s.send(new java.net.DatagramPacket(bytes, bytes.length, server));
            }
        } else {
            try (java.net.Socket s = new java.net.Socket(server.getAddress(), server.getPort())) {
                s.getOutputStream().write(bytes);
                s.shutdownOutput();
                // The server reads the bytes, then sees the end of the stream and closes: wait for
                // that, so the bytes were counted before this returns.
                s.setSoTimeout(3000);
                while (s.getInputStream().read(new byte[512]) >= 0) {
                    // an answer (400); the close follows
                }
            }
        }
    }
}
