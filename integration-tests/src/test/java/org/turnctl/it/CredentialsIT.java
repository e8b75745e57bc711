package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;

/** `turnctl credentials` mints what `turnctl serve --auth-secret` accepts, as a browser's iceServers or shell variables. */
class CredentialsIT {

    @Test
    void mintedCredentialsAllocate(@TempDir Path dir) throws Exception {
        String secret = "n0t-s0-secret";
        Path file = Files.writeString(dir.resolve("secret"), "# rotated weekly\n" + secret + "\n");
        try (TurnServer server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, "rest.test", Map.of(), List.of(secret), List.of(), List.of(), true, 0, 0,
                3600, 600, false, 1, null, TimeSource.SYSTEM))) {
            String uri = "turn:127.0.0.1:" + server.udpAddresses().get(0).getPort();
            ProbeIT.Cli json = ProbeIT.cli("credentials", "--secret-file", file.toString(), "--user", "alice", "--ttl", "1h",
                    "--uri", uri);
            assertEquals(0, json.code(), json.err());
            Map<String, String> fields = new HashMap<>();
            List<String> urls = new ArrayList<>();
            try (JsonParser p = new JsonFactory().createParser(json.out())) {
                String field = null;
                for (JsonToken t; (t = p.nextToken()) != null; ) {
                    if (t == JsonToken.FIELD_NAME) {
                        field = p.currentName();
                    } else if (t == JsonToken.VALUE_STRING) {
                        if ("urls".equals(field)) {
                            urls.add(p.getText());
                        } else {
                            fields.put(field, p.getText());
                        }
                    }
                }
            }
            assertEquals(List.of(uri), urls, json.out());
            String username = fields.get("username");
            assertTrue(username.matches("\\d+:alice"), username);
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            long now = System.currentTimeMillis() / 1000;
            assertTrue(Math.abs(expiry - (now + 3600)) < 60, "valid for an hour: " + username);
            // The password rule, computed here independently: base64(HMAC-SHA1(secret, username)).
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))),
                    fields.get("credential"));
            // And the server takes them.
            try (TurnClient c = new TurnClient(StunClient.open(server.udpAddresses().get(0), IceServerUri.Transport.UDP, 3000),
                    username, fields.get("credential"))) {
                c.allocate();
                assertTrue(c.relayed() != null);
            }

            ProbeIT.Cli env = ProbeIT.cli("credentials", "--secret-file", file.toString(), "--user", "bob", "--format", "env");
            assertEquals(0, env.code(), env.err());
            assertTrue(env.out().lines().anyMatch(l -> l.matches("TURN_USERNAME='\\d+:bob'")), env.out());
            ProbeIT.Cli bad = ProbeIT.cli("credentials", "--secret-file", file.toString(), "--user", "bob", "--ttl", "soon");
            assertEquals(2, bad.code());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
        }
    }
}
