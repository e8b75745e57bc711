package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.testsupport.Await;

/**
 * `turnctl serve --drain-timeout` as a process: SIGTERM makes /readyz 503 and turn_draining 1,
 * sends new clients to the alternate (300), lets the allocation there go on, and exits 0 once it
 * ends, with a log line at each end of the drain.
 */
class DrainIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sigtermDrainsThenExitsWhenTheLastAllocationEnds() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Path log = Files.createTempFile("drain", ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--listen", "127.0.0.1:" + port, "--user", "alice:pw", "--realm", "drain.test",
                "--threads", "1", "--warmup", "0", "--metrics-listen", "127.0.0.1:" + metricsPort, "--drain-timeout", "30s",
                "--alternate-server", "192.0.2.10:3478")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            assertTrue(Await.until(Duration.ofSeconds(20), () -> {
                try {
                    return get(metricsPort, "/readyz").statusCode() == 200;
                } catch (Exception notYet) {
                    return false;
                }
            }), Files.readString(log));
            TurnClient staying = new TurnClient(StunClient.open(server, IceServerUri.Transport.UDP, 3000), "alice", "pw");
            staying.allocate();

            p.destroy(); // SIGTERM
            assertTrue(Await.until(Duration.ofSeconds(10), () -> {
                try {
                    return get(metricsPort, "/readyz").statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            }), "/readyz 503 while draining: " + Files.readString(log));
            assertTrue(get(metricsPort, "/metrics").body().contains("turn_draining 1.0"));
            try (TurnClient newcomer = new TurnClient(StunClient.open(server, IceServerUri.Transport.UDP, 3000), "alice", "pw")) {
                newcomer.allocate();
                throw new AssertionError("a new allocation while draining");
            } catch (TurnErrorException e) {
                assertEquals(300, e.code(), "sent to the alternate");
            }
            assertTrue(p.isAlive(), "still serving the allocation there is");
            staying.refresh(600); // goes on as normal

            staying.close(); // Refresh 0: the last allocation ends
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits once the last allocation is gone");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("draining: 1 allocation(s)"), out);
            assertTrue(out.contains("drained: 0 allocation(s) left"), out);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
