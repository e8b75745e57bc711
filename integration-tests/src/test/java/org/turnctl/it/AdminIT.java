package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.testsupport.Await;

/**
 * The admin API of `turnctl serve --admin-token-file` as a process: 401 without the token; the
 * allocation listed with its user and relayed address; ended by id (the client then gets 437);
 * status; and a drain started over HTTP, after which the process, holding nothing, exits 0.
 */
class AdminIT {
    private static final String TOKEN = "an-admin-token-of-some-length";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first number field called {@code name} in a JSON text. */
    private static long number(String json, String name) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals(name)) {
                    p.nextToken();
                    return p.getLongValue();
                }
            }
        }
        throw new AssertionError(name + " not in " + json);
    }

    @Test
    void listEndStatusAndDrain(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Path log = dir.resolve("serve.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--listen", "127.0.0.1:" + port, "--user", "alice:pw", "--realm", "admin.test",
                "--threads", "1", "--warmup", "0", "--metrics-listen", "127.0.0.1:" + metricsPort,
                "--admin-token-file", tokenFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            assertTrue(Await.until(Duration.ofSeconds(20), () -> {
                try {
                    return call(metricsPort, "GET", "/readyz", null).statusCode() == 200;
                } catch (Exception notYet) {
                    return false;
                }
            }), Files.readString(log));
            TurnClient alice = new TurnClient(StunClient.open(server, IceServerUri.Transport.UDP, 3000), "alice", "pw");
            alice.allocate();

            assertEquals(401, call(metricsPort, "GET", "/admin/allocations", null).statusCode());
            assertEquals(401, call(metricsPort, "GET", "/admin/allocations", TOKEN + "x").statusCode());
            HttpResponse<String> list = call(metricsPort, "GET", "/admin/allocations?user=alice", TOKEN);
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"user\":\"alice\"") && list.body().contains("\"transport\":\"udp\""), list.body());
            assertTrue(list.body().contains(org.turnctl.probe.check.BindingCheck.format(alice.relayed())), list.body());
            assertEquals("[]", call(metricsPort, "GET", "/admin/allocations?user=bob", TOKEN).body());
            long id = number(list.body(), "id");
            String adminUrl = "http://127.0.0.1:" + metricsPort;
            ProbeIT.Cli table = ProbeIT.cli("sessions", "list", "--admin-url", adminUrl, "--admin-token-file", tokenFile.toString());
            assertEquals(0, table.code(), table.err());
            assertTrue(table.out().contains("alice") && table.out().contains("1 allocation(s)"), table.out());
            ProbeIT.Cli json = ProbeIT.cli("sessions", "list", "--user", "alice", "--format", "json", "--admin-url", adminUrl,
                    "--admin-token-file", tokenFile.toString());
            assertEquals(id, number(json.out(), "id"));
            // On the relay's host: the token file and the address come from the server's own config file.
            Path conf = Files.writeString(dir.resolve("turnctl.conf"), "[serve]\nmetrics-listen = 0.0.0.0:" + metricsPort
                    + "\nadmin-token-file = " + tokenFile + "\n");
            ProbeIT.Cli fromConfig = ProbeIT.cli("sessions", "list", "--format", "json", "--config", conf.toString());
            assertEquals(0, fromConfig.code(), fromConfig.err());
            assertEquals(id, number(fromConfig.out(), "id"));
            Path noToken = Files.writeString(dir.resolve("no-token.conf"), "[serve]\nmetrics-listen = 127.0.0.1:" + metricsPort + "\n");
            ProbeIT.Cli missing = ProbeIT.cli("sessions", "list", "--config", noToken.toString());
            assertEquals(2, missing.code(), missing.err());
            assertTrue(missing.err().startsWith("turnctl sessions list: --admin-token-file is needed: no admin-token-file in the [serve]"
                    + " section of " + noToken), missing.err());
            ProbeIT.Cli nobody = ProbeIT.cli("sessions", "kill", "--user", "bob", "--admin-url", adminUrl, "--admin-token-file",
                    tokenFile.toString());
            assertEquals(1, nobody.code(), nobody.out() + nobody.err());
            assertEquals(1, number(call(metricsPort, "GET", "/admin/status", TOKEN).body(), "allocations"));

            HttpResponse<String> end = call(metricsPort, "DELETE", "/admin/allocations/" + id, TOKEN);
            assertEquals(200, end.statusCode(), end.body());
            assertEquals(404, call(metricsPort, "DELETE", "/admin/allocations/" + id, TOKEN).statusCode());
            try {
                alice.refresh(600);
                throw new AssertionError("the allocation was ended");
            } catch (TurnErrorException e) {
                assertEquals(437, e.code());
            }
            assertEquals(0, number(call(metricsPort, "GET", "/admin/status", TOKEN).body(), "allocations"));

            ProbeIT.Cli drain = ProbeIT.cli("drain", "--wait", "--wait-limit", "20", "--admin-url", "http://127.0.0.1:" + metricsPort,
                    "--admin-token-file", tokenFile.toString());
            assertEquals(0, drain.code(), drain.out() + drain.err());
            assertTrue(drain.out().contains("drained: the server has exited"), drain.out());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "a drain with nothing to wait for ends the process");
            assertEquals(0, p.exitValue(), Files.readString(log));
            String out = Files.readString(log);
            assertTrue(out.contains("reason=admin"), out);
            assertTrue(!out.contains(TOKEN), "the token is never logged");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
