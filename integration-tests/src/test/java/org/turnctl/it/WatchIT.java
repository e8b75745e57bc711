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
import org.turnctl.testsupport.LossyLink;

/** probe --watch as a blackbox exporter, against an in-process server. */
class WatchIT {

    @Test
    void watchExportsProbeMetricsAndReleasesEveryRound(@TempDir Path dir) throws Exception {
        TurnServer server = server();
        int metricsPort = freePort();
        String target = "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort();
        Path log = dir.resolve("watch.log");
        Process p = watch(target, 3, metricsPort, log);
        HttpClient http = HttpClient.newHttpClient();
        String scrape = "";
        try {
            String up = "turnctl_probe_up{target=\"" + target + "\"} 1.0";
            String ratio = "turnctl_probe_success_ratio{check=\"success\",target=\"" + target + "\"} 1.0";
            URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            scrape = Await.value(Duration.ofSeconds(40), () -> scrapeOrEmpty(http, metrics),
                    text -> text.contains(up) && text.contains(ratio));
            assertTrue(scrape.contains(up) && scrape.contains(ratio), scrape + "\n" + Files.readString(log));
            String l = "check=\"success\",target=\"" + target + "\"";
            double count = value(scrape, "turnctl_probe_rtt_seconds_count{" + l + "}");
            assertTrue(count >= 3 * 20, "every echo of the round: " + count);
            // Loopback: round trips are far under the 150 ms target, and the buckets say so (the old
            // histogram put every one of them in its 1 s bucket). A stall of the machine may push
            // an odd one past it, so: nearly all.
            double under150 = value(scrape, "turnctl_probe_rtt_seconds_bucket{" + l + ",le=\"0.15\"}");
            assertTrue(under150 >= 0.9 * count, under150 + " of " + count + " under 150 ms");
            assertEquals(0.0, value(scrape, "turnctl_probe_loss_ratio{" + l + "}"));
            assertTrue(value(scrape, "turnctl_probe_jitter_seconds{" + l + "}") >= 0);
            assertTrue(value(scrape, "turnctl_probe_time_to_first_packet_seconds_count{" + l + "}") >= 3);
            assertTrue(value(scrape, "turnctl_probe_attempts_total{check=\"success\",result=\"ok\",target=\"" + target + "\"}") >= 3);
            assertEquals(0.0, value(scrape, "turnctl_probe_attempts_total{check=\"success\",result=\"timeout\",target=\"" + target + "\"}"));
            assertTrue(value(scrape, "turnctl_probe_allocate_seconds{check=\"auth\",target=\"" + target + "\"}") > 0);
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

    /**
     * Through a link that adds 40 ms each way and drops 5% of datagrams, the exported loss moves
     * off zero and the round trips (four crossings: about 160 ms) leave the 150 ms bucket.
     */
    @Test
    void lossAndDelayOnTheLinkMoveTheKpiSeries(@TempDir Path dir) throws Exception {
        TurnServer server = server();
        LossyLink.Behaviour each = new LossyLink.Behaviour(0.05, 40_000, 0);
        LossyLink link = LossyLink.open(server.udpAddresses().get(0), each, each, 20261130L, d -> false);
        int metricsPort = freePort();
        String target = "turn:127.0.0.1:" + link.address().getPort();
        Path log = dir.resolve("watch.log");
        Process p = watch(target, 4, metricsPort, log);
        HttpClient http = HttpClient.newHttpClient();
        String l = "check=\"success\",target=\"" + target + "\"";
        try {
            URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            String scrape = Await.value(Duration.ofSeconds(60), () -> scrapeOrEmpty(http, metrics),
                    text -> text.contains("turnctl_probe_rtt_seconds_count{" + l + "}") && valueOr(text,
                            "turnctl_probe_rtt_seconds_count{" + l + "}") >= 40 && valueOr(text, "turnctl_probe_loss_ratio{" + l + "}") > 0);
            assertTrue(valueOr(scrape, "turnctl_probe_loss_ratio{" + l + "}") > 0, scrape + "\n" + Files.readString(log));
            double count = value(scrape, "turnctl_probe_rtt_seconds_count{" + l + "}");
            double under150 = value(scrape, "turnctl_probe_rtt_seconds_bucket{" + l + ",le=\"0.15\"}");
            double underTwoAndAHalfSeconds = value(scrape, "turnctl_probe_rtt_seconds_bucket{" + l + ",le=\"2.5\"}");
            System.out.printf("through 40 ms + 5%% each way: %s round trips, %s under 150 ms, %s under 2.5 s; loss ratio %s%n",
                    count, under150, underTwoAndAHalfSeconds, value(scrape, "turnctl_probe_loss_ratio{" + l + "}"));
            assertEquals(0.0, under150, "every round trip crossed the link four times: over 150 ms");
            assertEquals(count, underTwoAndAHalfSeconds, "and all of them in the buckets, none past 2.5 s");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "watch did not stop on SIGTERM");
            link.close();
            server.close();
        }
    }

    private static double value(String scrape, String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(scrape);
        assertTrue(m.find(), series + " missing in:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static double valueOr(String scrape, String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static TurnServer server() throws Exception {
        return TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, "watch.test", Map.of("alice", Integrity.longTermKeyMd5("alice", "watch.test", "pw")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null, TimeSource.SYSTEM));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** `turnctl probe TARGET --watch 1s` (auth and success, {@code count} attempts a round) as a process, exporting on {@code metricsPort}. */
    private static Process watch(String target, int count, int metricsPort, Path log) throws java.io.IOException {
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "probe", target, "--user", "alice", "--password", "pw", "--count", String.valueOf(count), "--checks", "auth,success",
                "--watch", "1s", "--metrics-listen", "127.0.0.1:" + metricsPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
