package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;

/** probe --watch as a blackbox exporter, against an in-process server. */
class WatchIT {

    @Test
    void watchExportsProbeMetricsAndReleasesEveryRound(@TempDir Path dir) throws Exception {
        TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, "watch.test", Map.of("alice", Integrity.longTermKeyMd5("alice", "watch.test", "pw")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM));
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        String target = "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort();
        Path log = dir.resolve("watch.log");
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "probe", target, "--user", "alice", "--password", "pw", "--count", "3", "--checks", "auth,success",
                "--watch", "1s", "--metrics-listen", "127.0.0.1:" + metricsPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String scrape = "";
        try {
            long deadline = System.nanoTime() + 40_000_000_000L;
            String up = "turnctl_probe_up{target=\"" + target + "\"} 1.0";
            String ratio = "turnctl_probe_success_ratio{target=\"" + target + "\"} 1.0";
            while (System.nanoTime() < deadline && !(scrape.contains(up) && scrape.contains(ratio))) {
                try {
                    scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    // the exporter is still starting
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // bounded poll, not a timing assertion
            }
            assertTrue(scrape.contains(up) && scrape.contains(ratio), scrape + "\n" + Files.readString(log));
            assertTrue(scrape.contains("turnctl_probe_rtt_seconds_count{target=\"" + target + "\"}"), scrape);
            assertTrue(scrape.contains("turnctl_probe_allocate_seconds{target=\"" + target + "\"}"), scrape);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "watch did not stop on SIGTERM");
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.allocationCount() != 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // bounded poll, not a timing assertion
        }
        assertEquals(0, server.allocationCount(), "every round released its allocations");
        server.close();
    }

    @Test
    void watchNeedsMetricsListen() throws Exception {
        PackagedJarIT.Run r = PackagedJarIT.run("probe", "stun:127.0.0.1:9", "--watch", "5s");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--watch needs --metrics-listen"), r.err());
    }
}
