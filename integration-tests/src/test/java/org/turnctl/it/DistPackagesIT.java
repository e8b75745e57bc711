package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.testsupport.Await;

/**
 * The .deb and .tar.gz of `mvn -Pdist package`, built by the same script from this build's jar,
 * man pages and completion: unpacked into a scratch root (dpkg -x), the bundled runtime runs
 * `turnctl --version`, serves TURN over UDP and TLS, and probes itself, with no JDK on the way.
 */
class DistPackagesIT {

    private static DeploymentFilesIT.Run run(List<String> cmd, Map<String, String> env, int seconds) throws Exception {
        Path out = Files.createTempFile("dist", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + seconds + " s: " + cmd + "\n" + Files.readString(out));
            }
            return new DeploymentFilesIT.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void theDebInstallsAWorkingTurnctlWithItsOwnRuntime(@TempDir Path dir) throws Exception {
        DeploymentFilesIT.requireTool("dpkg-deb");
        String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
        Path javaHome = Path.of(System.getProperty("java.home"));
        DeploymentFilesIT.Run build = run(List.of("bash", DeploymentFilesIT.ROOT.resolve("dist/build-packages.sh").toString(), version,
                DeploymentFilesIT.ROOT.resolve("cli/target").toString(), dir.resolve("out").toString()),
                Map.of("JAVA_HOME", javaHome.toString()), 300);
        assertEquals(0, build.code(), build.output());
        Path deb = dir.resolve("out/turnctl_" + version.replace('-', '~') + "_amd64.deb");
        Path tgz = dir.resolve("out/turnctl-" + version + "-linux-amd64.tar.gz");
        assertTrue(Files.isRegularFile(deb) && Files.isRegularFile(tgz), build.output());

        DeploymentFilesIT.Run info = run(List.of("dpkg-deb", "--field", deb.toString(), "Package", "Version", "Architecture"), Map.of(), 30);
        assertEquals("Package: turnctl\nVersion: " + version.replace('-', '~') + "\nArchitecture: amd64", info.output().strip());
        Path root = Files.createDirectories(dir.resolve("root"));
        assertEquals(0, run(List.of("dpkg", "-x", deb.toString(), root.toString()), Map.of(), 60).code());
        for (String f : List.of("usr/lib/turnctl/turnctl.jar", "usr/lib/turnctl/runtime/bin/java", "lib/systemd/system/turnctl.service",
                "etc/turnctl/turnctl.conf", "usr/share/man/man1/turnctl-serve.1.gz", "usr/share/bash-completion/completions/turnctl")) {
            assertTrue(Files.exists(root.resolve(f)), f);
        }
        assertFalse(Files.exists(root.resolve("usr/lib/turnctl/runtime/bin/javac")), "a runtime, not a JDK");
        // The shipped config has no credentials: an installed relay never runs with the example's password.
        assertFalse(Files.readString(root.resolve("etc/turnctl/turnctl.conf")).contains("\nuser = "), "no demo user");
        String unit = Files.readString(root.resolve("lib/systemd/system/turnctl.service"));
        assertTrue(unit.contains("ExecStart=/usr/lib/turnctl/runtime/bin/java $TURNCTL_JAVA_OPTS -jar /usr/lib/turnctl/turnctl.jar serve"), unit);
        assertTrue(unit.contains("Type=notify"), unit);

        // The maintainer scripts parse, and create the system user the unit runs as.
        Path control = dir.resolve("control");
        assertEquals(0, run(List.of("dpkg-deb", "-e", deb.toString(), control.toString()), Map.of(), 30).code());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            DeploymentFilesIT.Run syntax = run(List.of("sh", "-n", control.resolve(script).toString()), Map.of(), 30);
            assertEquals(0, syntax.code(), script + ": " + syntax.output());
        }
        assertTrue(Files.readString(control.resolve("postinst")).contains("useradd --system --gid turnctl"));
        assertTrue(unit.contains("User=turnctl"), unit);
        assertEquals("/etc/turnctl/turnctl.conf", Files.readString(control.resolve("conffiles")).strip());

        // No JDK on the way: PATH without java, JAVA_HOME unset.
        Map<String, String> bare = Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", "");
        String turnctl = root.resolve("usr/bin/turnctl").toString();
        DeploymentFilesIT.Run v = run(List.of(turnctl, "--version"), bare, 30);
        assertEquals(0, v.code(), v.output());
        assertTrue(v.output().startsWith("turnctl " + version), v.output());

        // It relays: serve UDP and TLS (a certificate the packaged binary makes), probe it with the same binary.
        assertEquals(0, run(List.of(turnctl, "cert", "self-signed", "--host", "127.0.0.1", "--out", dir.toString()), bare, 60).code());
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int tls;
        int metrics;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tls = a.getLocalPort();
            metrics = b.getLocalPort();
        }
        List<String> serve = new ArrayList<>(List.of(turnctl, "serve", "--listen", "127.0.0.1:" + port, "--tls-listen", "127.0.0.1:" + tls,
                "--cert", dir.resolve("cert.pem").toString(), "--key", dir.resolve("key.pem").toString(), "--user", "alice:secret",
                "--realm", "dist.test", "--allow-loopback-peers", "--warmup", "0", "--threads", "1",
                "--metrics-listen", "127.0.0.1:" + metrics));
        Path log = dir.resolve("serve.log");
        ProcessBuilder pb = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(bare);
        Process p = pb.start();
        try {
            assertTrue(Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return run(List.of(turnctl, "health", "--url", "http://127.0.0.1:" + metrics), bare, 30).code() == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }), Files.readString(log));
            for (String target : List.of("turn:127.0.0.1:" + port, "turns:127.0.0.1:" + tls)) {
                DeploymentFilesIT.Run probe = run(List.of(turnctl, "probe", target, "--user", "alice", "--password", "secret",
                        "--count", "2", "--progress", "never", "--ca-file", dir.resolve("cert.pem").toString()), bare, 120);
                assertEquals(0, probe.code(), target + ":\n" + probe.output() + "\n" + Files.readString(log));
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }

        // The tarball holds the same tree under one directory, and runs the same way.
        Path untar = Files.createDirectories(dir.resolve("tar"));
        assertEquals(0, run(List.of("tar", "-C", untar.toString(), "-xzf", tgz.toString()), Map.of(), 60).code());
        Path home = untar.resolve("turnctl-" + version + "-linux-amd64");
        for (String f : List.of("bin/turnctl", "turnctl.jar", "runtime/bin/java", "turnctl.service", "turnctl.conf.example",
                "share/man/man1/turnctl.1.gz", "share/bash-completion/completions/turnctl")) {
            assertTrue(Files.exists(home.resolve(f)), f);
        }
        DeploymentFilesIT.Run tv = run(List.of(home.resolve("bin/turnctl").toString(), "--version"), bare, 30);
        assertEquals(0, tv.code(), tv.output());
        assertTrue(new File(home.resolve("bin/turnctl").toString()).canExecute());
    }
}
