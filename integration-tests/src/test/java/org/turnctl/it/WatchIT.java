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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.Await;

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
            String up = "turnctl_probe_up{target=\"" + target + "\"} 1.0";
            String ratio = "turnctl_probe_success_ratio{target=\"" + target + "\"} 1.0";
            URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            scrape = Await.value(Duration.ofSeconds(40), () -> scrapeOrEmpty(http, metrics),
                    text -> text.contains(up) && text.contains(ratio));
            assertTrue(scrape.contains(up) && scrape.contains(ratio), scrape + "\n" + Files.readString(log));
            assertTrue(scrape.contains("turnctl_probe_rtt_seconds_count{target=\"" + target + "\"}"), scrape);
            assertTrue(scrape.contains("turnctl_probe_allocate_seconds{target=\"" + target + "\"}"), scrape);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "watch did not stop on SIGTERM");
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
        assertEquals(0, server.allocationCount(), "every round released its allocations");
        server.close();
    }

    @Test
    void watchNeedsMetricsListen() throws Exception {
        PackagedJarIT.Run r = PackagedJarIT.run("probe", "stun:127.0.0.1:9", "--watch", "5s");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--watch needs --metrics-listen"), r.err());
    }

    /** The exporter's page, or "" while it is still starting. */
    private static String scrapeOrEmpty(HttpClient http, URI metrics) {
        try {
            return http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException notYet) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
