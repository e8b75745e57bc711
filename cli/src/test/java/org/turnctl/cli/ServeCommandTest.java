package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine;

/** serve's configuration errors: one line on stderr, exit code 2, never a stack trace. */
class ServeCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        CommandLine cl = Turnctl.commandLine(env, ConfigFile.empty());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertConfigError(Result r, String fragment) {
        assertEquals(ExitCode.USAGE.code(), r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void configurationErrors(@TempDir Path dir) throws Exception {
        assertConfigError(run(Map.of(), "serve", "--listen", "127.0.0.1:0"), "no credentials");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--min-port", "6000", "--max-port", "5000"), "min-port");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--allow-peer", "10.0.0.0/40"), "--allow-peer");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--deny-peer", "example.com/8"), "--deny-peer");
        assertConfigError(run(Map.of(), "serve", "--users-file", dir.resolve("missing").toString()), "cannot read");
        Path bad = Files.writeString(dir.resolve("users"), "alice:0xbc807ee29df3c9ffa736523fb2c4e8ee\nbob:nothex\n");
        assertConfigError(run(Map.of(), "serve", "--users-file", bad.toString()), ":2:");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--max-lifetime", "300"), "--max-lifetime");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--listen", "::1:3478"), "brackets");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--listen", "turn.example.com:3478"), "not an IP address");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--log-level", "loud"), "--log-level");
        assertConfigError(run(Map.of(), "serve", "--user", "nocolon"), "NAME:PASSWORD");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--alternate-server", "turn2"), "--alternate-server");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--alternate-server", "2001:db8::1:3478"), "brackets");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--max-allocations", "-1"), "--max-allocations");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--listen", "127.0.0.1:0", "--metrics-listen", "x:1"),
                "--metrics-listen");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--listen", "127.0.0.1:0", "--metrics-listen",
                    "127.0.0.1:" + taken.getLocalPort()), "cannot listen on --metrics-listen");
        }
    }

    @Test
    void portInUseIsAConfigError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                DatagramSocket udp = new DatagramSocket(taken.getLocalPort(), InetAddress.getLoopbackAddress())) {
            Result r = run(Map.of(), "serve", "--user", "a:b", "--listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--metrics-listen", "off");
            assertConfigError(r, "cannot listen");
        }
    }

    @Test
    void environmentSuppliesOptionsAndTheCommandLineWins() throws Exception {
        ServeCommand cmd = Turnctl.parse("serve", Map.of("TURNCTL_MIN_PORT", "50000", "TURNCTL_MAX_PORT", "50100",
                "TURNCTL_USER", "alice:pw,bob:pw2", "TURNCTL_REALM", "from-env"), ConfigFile.empty(), "--realm", "from-cli");
        assertEquals(50000, cmd.minPort);
        assertEquals(50100, cmd.maxPort);
        assertEquals(List.of("alice:pw", "bob:pw2"), cmd.users);
        assertEquals("from-cli", cmd.realm);
        var config = cmd.config();
        assertEquals(2, config.userKeys().size());
        assertEquals("from-cli", config.realm());
    }

    @Test
    void keyPrintsCoturnsFormat() {
        Result r = run(Map.of(), "key", "--user", "ninefingers", "--realm", "north.gov", "--password", "youhavetoberealistic");
        assertEquals(0, r.code(), r.err());
        assertEquals("0xbc807ee29df3c9ffa736523fb2c4e8ee", r.out().strip());
    }

    @Test
    void keyPrintsTheSha256KeyForTheUsersFilesThirdColumn() {
        Result r = run(Map.of(), "key", "--user", "ninefingers", "--realm", "north.gov", "--password", "youhavetoberealistic",
                "--algorithm", "sha256");
        assertEquals(0, r.code(), r.err());
        assertEquals("0x" + java.util.HexFormat.of().formatHex(org.turnctl.stun.codec.Integrity.longTermKeySha256("ninefingers",
                "north.gov", "youhavetoberealistic")), r.out().strip());
        Result bad = run(Map.of(), "key", "--user", "a", "--realm", "b", "--password", "c", "--algorithm", "sha1");
        assertEquals(ExitCode.USAGE.code(), bad.code());
        assertTrue(bad.err().contains("expected md5 or sha256"), bad.err());
    }

    /** A users file with and without the SHA-256 column; names with colons; --user gives both keys. */
    @Test
    void usersFileSha256ColumnAndUserhash(@TempDir Path dir) throws Exception {
        String sha = java.util.HexFormat.of().formatHex(org.turnctl.stun.codec.Integrity.longTermKeySha256("carol", "example.org", "pw"));
        Path users = Files.writeString(dir.resolve("users"), "alice:0xbc807ee29df3c9ffa736523fb2c4e8ee\n"
                + "carol:0x0123456789abcdef0123456789abcdef:0x" + sha + "\n" + "1700000000:dave:0123456789abcdef0123456789abcdef\n");
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--realm", "example.org", "--users-file", users.toString(), "--user", "erin:pw2",
                "--userhash");
        org.turnctl.server.config.ServerConfig c = serve.config();
        assertEquals(java.util.Set.of("alice", "carol", "1700000000:dave", "erin"), c.userKeys().keySet());
        assertEquals(java.util.Set.of("carol", "erin"), c.userKeysSha256().keySet());
        assertEquals(sha, java.util.HexFormat.of().formatHex(c.userKeysSha256().get("carol")));
        assertTrue(c.userhash());
        Path badSha = Files.writeString(dir.resolve("bad"), "carol:0x0123456789abcdef0123456789abcdef:0x" + "zz".repeat(32) + "\n");
        assertConfigError(run(Map.of(), "serve", "--users-file", badSha.toString()), "SHA-256 key must be 64 hex digits");
    }

    @Test
    void helpDocumentsTheTestOnlyOption() {
        Result r = run(Map.of(), "serve", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--allow-loopback-peers"), r.out());
        assertTrue(r.out().contains("FOR TESTS ONLY"), r.out());
        assertTrue(r.out().contains("TURNCTL_"), r.out());
    }

    @Test
    void aValueThatDoesNotConvertNamesItsOptionWhereverItCameFrom() {
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--relay-ip", "relay.example.com"),
                "turnctl serve: --relay-ip relay.example.com: not an IP address");
        assertConfigError(run(Map.of("TURNCTL_SERVE_DENY_PEER", "10.0.0.0/99"), "serve", "--user", "a:b"),
                "turnctl serve: --deny-peer 10.0.0.0/99:");
        assertConfigError(run(Map.of(), "probe", "stun:127.0.0.1", "--interval", "5x"),
                "turnctl probe: --interval 5x: expected a duration");
        assertConfigError(run(Map.of(), "probe", "stun:127.0.0.1", "--watch", "1s", "--metrics-listen", "localhost:9"),
                "turnctl probe: --metrics-listen localhost:9: not an IP address");
    }

    @Test
    void durationsAndAddressesConvert() {
        ProbeCommand probe = Turnctl.parse("probe", Map.of("TURNCTL_PROBE_TIMEOUT", "1.5s"), ConfigFile.empty(),
                "stun:127.0.0.1", "--interval", "250ms", "--metrics-listen", "[::1]:9100");
        assertEquals(java.time.Duration.ofMillis(250), probe.interval);
        assertEquals(java.time.Duration.ofMillis(1500), probe.timeout);
        assertEquals(new java.net.InetSocketAddress("::1", 9100), probe.metricsListen);
        // One reading of DURATION everywhere: minutes, hours and days too.
        Converters.DurationConverter d = new Converters.DurationConverter();
        assertEquals(java.time.Duration.ofMinutes(10), d.convert("10m"));
        assertEquals(java.time.Duration.ofHours(24), d.convert("24h"));
        assertEquals(java.time.Duration.ofDays(7), d.convert("7d"));
        assertEquals(java.time.Duration.ofSeconds(30), d.convert("30"));
        assertEquals(java.time.Duration.ofMillis(500), d.convert("500ms"));
        for (String bad : new String[] {"-5s", "5x", "", "1e9d", "m"}) {
            assertThrows(picocli.CommandLine.TypeConversionException.class, () -> d.convert(bad), bad);
        }
        assertEquals(java.time.Duration.ofMinutes(10),
                Turnctl.<ServeCommand>parse("serve", Map.of(), ConfigFile.empty(), "--drain-timeout", "10m").fleet.drainTimeout);
        ServeCommand serve = Turnctl.parse("serve", Map.of(), ConfigFile.empty(), "--metrics-listen", "off",
                "--external-ip", "203.0.113.7/10.0.0.5");
        assertNull(serve.metricsListen, "off disables the endpoint");
        assertEquals("10.0.0.5", serve.externalIps.get(0).relayIp().getHostAddress());
    }

    @Test
    void tlsOptions(@TempDir Path dir) throws Exception {
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--tls-listen", "127.0.0.1:5349"), "needs a certificate");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--cert", dir.resolve("c.pem").toString()),
                "--cert and --key go together");
        assertConfigError(run(Map.of(), "serve", "--user", "a:b", "--listen", "127.0.0.1:0", "--metrics-listen", "off",
                "--cert", dir.resolve("missing.pem").toString(), "--key", dir.resolve("k.pem").toString()),
                "missing.pem: no such file");
        ServeCommand serve = Turnctl.parse("serve", Map.of(), ConfigFile.empty(), "--user", "a:b",
                "--cert", "/etc/turnctl/cert.pem", "--key", "/etc/turnctl/key.pem");
        var tls = serve.config().tls();
        assertEquals(1, tls.listen().size());
        assertEquals(5349, tls.listen().get(0).getPort(), "RFC 8656's TURN-over-TLS port by default");
        Result written = run(Map.of(), "cert", "self-signed", "--host", "turn.example.org", "--days", "3", "--out",
                dir.resolve("lab").toString());
        assertEquals(0, written.code(), written.err());
        assertTrue(Files.readString(dir.resolve("lab/cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(Files.readString(dir.resolve("lab/key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
}
