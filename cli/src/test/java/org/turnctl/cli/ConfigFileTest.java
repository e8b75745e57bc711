package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    private static Path write(Path dir, String text) throws Exception {
        return Files.writeString(dir.resolve("turnctl.conf"), text);
    }

    private static ServeCommand parseServe(Map<String, String> env, ConfigFile file, String... args) {
        return Turnctl.parse("serve", env, file, args);
    }

    @Test
    void precedenceIsFlagsThenEnvironmentThenFileThenDefaults(@TempDir Path dir) throws Exception {
        ConfigFile file = ConfigFile.load(write(dir, """
                # a comment
                [serve]
                realm = from-file
                min-port = 50000
                max-port = 50100
                user = alice:a
                user = bob:b
                allow-loopback-peers = true
                [probe]
                count = 30
                """), Turnctl.knownOptions());
        ServeCommand fileOnly = parseServe(Map.of(), file);
        assertEquals("from-file", fileOnly.realm);
        assertEquals(50000, fileOnly.minPort);
        assertEquals(List.of("alice:a", "bob:b"), fileOnly.users);
        assertTrue(fileOnly.allowLoopbackPeers);
        assertEquals(3600, fileOnly.maxLifetime, "untouched options keep their defaults");

        ServeCommand env = parseServe(Map.of("TURNCTL_SERVE_REALM", "from-env", "TURNCTL_SERVE_USER", "carol:c"), file);
        assertEquals("from-env", env.realm);
        assertEquals(List.of("carol:c"), env.users, "a list from a higher layer replaces the file's list");

        ServeCommand flags = parseServe(Map.of("TURNCTL_SERVE_REALM", "from-env"), file, "--realm", "from-flag",
                "--user", "dave:d");
        assertEquals("from-flag", flags.realm);
        assertEquals(List.of("dave:d"), flags.users);
        assertEquals(50100, flags.maxPort);
    }

    @Test
    void errorsNameTheLine(@TempDir Path dir) throws Exception {
        for (String[] bad : List.of(
                new String[] {"[serve]\nrealm = x\nnot-an-option = 1\n", ":3: unknown option 'not-an-option' in [serve]"},
                new String[] {"realm = x\n", ":1: 'realm' outside a [serve] or [probe] section"},
                new String[] {"[server]\n", ":1: unknown section [server]"},
                new String[] {"[serve]\nrealm\n", ":2: expected 'option = value'"})) {
            StringWriter err = new StringWriter();
            int code = Turnctl.run(new String[] {"config", "check", write(dir, bad[0]).toString()}, Map.of(),
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
            assertEquals(2, code, bad[0]);
            assertTrue(err.toString().contains(bad[1]), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
        }
        StringWriter err = new StringWriter();
        int code = Turnctl.run(new String[] {"config", "check", write(dir, "[serve]\nuser = a:b\n\nlisten = nope\n").toString()},
                Map.of(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().contains("turnctl.conf:4: [serve]: --listen nope"), err.toString());
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithSecretsMasked(@TempDir Path dir) throws Exception {
        Path f = write(dir, "[serve]\nuser = alice:top-secret-1\nauth-secret = top-secret-2\nrealm = r\nmetrics-listen = off\n"
                + "[probe]\npassword = top-secret-3\nuser = alice\n");
        StringWriter out = new StringWriter();
        int code = Turnctl.run(new String[] {"config", "check", f.toString()}, Map.of(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertEquals(0, code);
        String text = out.toString();
        assertTrue(text.contains("user = alice:***"), text);
        assertTrue(text.contains("auth-secret = ***"), text);
        assertTrue(text.contains("password = ***"), text);
        assertTrue(text.contains("realm = r"), text);
        assertFalse(text.contains("top-secret"), text);
    }

    @Test
    void serveAndProbeReadTheirSectionThroughRun(@TempDir Path dir) throws Exception {
        Path f = write(dir, "[probe]\nformat = yaml\n");
        StringWriter err = new StringWriter();
        int code = Turnctl.run(new String[] {"probe", "stun:127.0.0.1:9", "--config", f.toString()}, Map.of(),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, code, "the file's bad --format reaches the probe");
        assertTrue(err.toString().contains("--format yaml"), err.toString());
        StringWriter err2 = new StringWriter();
        int missing = Turnctl.run(new String[] {"serve", "--config", dir.resolve("nope.conf").toString()}, Map.of(),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true));
        assertEquals(2, missing);
        assertTrue(err2.toString().contains("cannot read (no such file)"), err2.toString());
    }
}
