package org.turnctl.it;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.turnctl.testsupport.Await;

/**
 * `java -jar turnctl.jar serve` as a child process on free loopback ports, started and waited for
 * until /readyz answers 200; closing kills it. For the tests of what only a whole process does:
 * signals, exit codes, the environment systemd hands it.
 */
final class ServeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port;
    final int metricsPort;
    final Process process;
    private final Path log;

    private ServeProcess(int port, int metricsPort, Process process, Path log) {
        this.port = port;
        this.metricsPort = metricsPort;
        this.process = process;
        this.log = log;
    }

    /** Starts serve on 127.0.0.1 with one thread, no warm-up, metrics on; {@code args} add to that. */
    static ServeProcess start(Map<String, String> env, String... args) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--listen", "127.0.0.1:" + port, "--threads", "1", "--warmup", "0",
                "--metrics-listen", "127.0.0.1:" + metricsPort));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("serve", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        ServeProcess p = new ServeProcess(port, metricsPort, pb.start(), log);
        if (!Await.until(Duration.ofSeconds(20), () -> p.readyz() == 200)) {
            p.close();
            throw new AssertionError("serve did not become ready: " + p.log());
        }
        return p;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** /readyz's status, or -1 while nothing answers. */
    int readyz() {
        try {
            return get("/readyz").statusCode();
        } catch (Exception notYet) {
            return -1;
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() throws java.io.IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(log);
    }
}
