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
import picocli.CommandLine;

/** `turnctl config import-coturn`: every mapped coturn option, the notes, the exit codes, and an output `config check` accepts. */
class CoturnImportTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Turnctl.commandLine(Map.of(), ConfigFile.empty());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void everyMappedOptionAndWhatIsLeftOut(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("turnserver.conf"), String.join("\n",
                "# a hand-made coturn configuration",
                "listening-port=3479", "listening-ip=192.0.2.1", "listening-ip=2001:db8::1", "relay-ip=192.0.2.1",
                "external-ip=203.0.113.5/192.0.2.1", "min-port=50000", "max-port=50999", "realm=example.org", "lt-cred-mech",
                "user=alice:change-me", "user=bob:0xbc807ee29df3c9ffa736523fb2c4e8ee", "use-auth-secret",
                "static-auth-secret=\"s3cret\"", "allowed-peer-ip=10.0.0.0-10.0.0.255", "denied-peer-ip=192.168.1.10-192.168.1.17",
                "user-quota=12", "total-quota=1200", "max-allocate-lifetime=1800", "no-tls", "cert=/etc/ssl/turn.pem",
                "pkey=/etc/ssl/turn.key", "no-dtls", "alternate-server=198.51.100.7:3478", "prometheus", "verbose", ""));
        Result r = run("config", "import-coturn", conf.toString());
        assertEquals(0, r.code(), r.err());
        for (String line : List.of("listen = 192.0.2.1:3479", "listen = [2001:db8::1]:3479", "relay-ip = 192.0.2.1",
                "external-ip = 203.0.113.5/192.0.2.1", "min-port = 50000", "max-port = 50999", "realm = example.org",
                "user = alice:change-me", "auth-secret = s3cret", "allow-peer = 10.0.0.0/24", "deny-peer = 192.168.1.10/31",
                "deny-peer = 192.168.1.12/30", "deny-peer = 192.168.1.16/31", "user-quota = 12", "total-quota = 1200",
                "max-lifetime = 1800", "no-dtls = true", "alternate-server = 198.51.100.7:3478", "metrics-listen = 0.0.0.0:9641")) {
            assertTrue(r.out().lines().anyMatch(line::equals), line + " in\n" + r.out());
        }
        assertFalse(r.out().contains("cert ="), "no-tls: no certificate carried over");
        assertTrue(r.err().contains("user=bob:0x...: a key"), r.err());
        assertTrue(r.err().contains("verbose: no turnctl equivalent"), r.err());
        assertFalse(r.err().contains("lt-cred-mech"), "covered by the default: " + r.err());

        // The output is a config file turnctl takes (the listen addresses aside: not this host's).
        Path out = Files.writeString(dir.resolve("turnctl.conf"), r.out().replaceAll("(?m)^listen = .*\\n", "")
                .replace("relay-ip = 192.0.2.1\n", "").replace("external-ip = 203.0.113.5/192.0.2.1\n", ""));
        Result check = run("config", "check", out.toString());
        assertEquals(0, check.code(), check.err() + "\n" + Files.readString(out));
    }

    @Test
    void aUserDatabaseCannotBeCarriedOver(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("turnserver.conf"), "realm=example.org\npsql-userdb=\"host=db dbname=coturn\"\n");
        Result r = run("config", "import-coturn", conf.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("psql-userdb: an authentication backend"), r.err());
    }

    /** Debian's own /etc/turnserver.conf (installed with coturn, as in CI): imports, with its lines explained. */
    @Test
    void debiansOwnFile() {
        Path debian = Path.of("/etc/turnserver.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(debian), "coturn is not installed");
        Result r = run("config", "import-coturn", debian.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[serve]") && r.out().contains("listen = "), r.out());
        assertTrue(r.err().lines().allMatch(l -> l.startsWith("turnctl config import-coturn: not carried over: ")), r.err());
    }
}
