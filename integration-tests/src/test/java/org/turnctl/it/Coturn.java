package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.turnctl.testsupport.Await;

/**
 * coturn's turnserver, started by a test on loopback only: required in CI (.ci/run installs the
 * coturn package), skipped elsewhere when it is not installed. Stopped by {@link #close}.
 */
final class Coturn implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Coturn(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Fails in CI and skips elsewhere when turnserver is not on the PATH. */
    static void assumeInstalled() {
        boolean present = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "turnserver")));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, "CI must have coturn's turnserver (.ci/run installs the coturn package)");
        }
        Assumptions.assumeTrue(present, "coturn is not installed");
    }

    /** A free loopback TCP port (UDP on it is free in practice: turnserver binds both). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --no-cli} plus
     * {@code args}, logging to {@code dir}, and waits (10 s at most) until {@code tcpPort} accepts.
     */
    static Coturn start(Path dir, int tcpPort, String... args) throws Exception {
        return startOn(InetAddress.getLoopbackAddress(), dir, tcpPort, args);
    }

    /** The same on another loopback address ({@code ::1}: an IPv6-only coturn, listening and relaying there only). */
    static Coturn startOn(InetAddress ip, Path dir, int tcpPort, String... args) throws Exception {
        String literal = io.netty.util.NetUtil.toAddressString(ip);
        List<String> cmd = new ArrayList<>(List.of("turnserver", "-n", "--listening-ip=" + literal, "--relay-ip=" + literal,
                "--no-cli", "--log-file=stdout", "--pidfile=" + dir.resolve("turnserver.pid")));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("coturn.log");
        Coturn c = new Coturn(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        boolean listening = Await.until(Duration.ofSeconds(10), () -> {
            try (Socket s = new Socket(ip, tcpPort)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        if (!listening) {
            c.close();
        }
        assertTrue(listening, c.log());
        return c;
    }

    /** Its output so far, for assertion messages. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}
