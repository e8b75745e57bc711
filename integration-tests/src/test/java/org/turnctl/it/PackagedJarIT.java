package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged runnable jar as a user would: a separate JVM, real exit codes. */
class PackagedJarIT {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        assertTrue(Files.isRegularFile(jar), "runnable jar missing: " + jar.toAbsolutePath());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("turnctl-out", ".txt");
        Path err = Files.createTempFile("turnctl-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("turnctl " + String.join(" ", args) + " did not exit within 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void versionAndHelp() throws Exception {
        Run version = run("--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().matches("(?s)turnctl \\d+\\.\\d+\\.\\d+.*"), version.out());

        Run help = run("--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Usage: turnctl"), help.out());
    }

    @Test
    void usageErrorIsOneLineAndExitCode2() throws Exception {
        Run bad = run("--bogus");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("Unknown option: '--bogus'"), bad.err());
        assertTrue(!bad.err().contains("Exception") && !bad.err().contains("\tat "), "no stack trace: " + bad.err());
    }
}
