package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * The newcomer's first run, as the README's quick start gives it: {@code turnctl serve --user
 * alice:change-me --realm example.org}, then {@code turnctl probe turn:127.0.0.1 --user alice
 * --password change-me}, each a fresh JVM (only the port differs, so the suite can run anywhere).
 */
class QuickStartIT {

    @Test
    void theReadmeProbeAgainstTheReadmeServerPassesAndItsFirstRttIsTheNetworks() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("turnctl.jar", "../cli/target/turnctl.jar"));
        Path log = Files.createTempFile("quickstart", ".log");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "serve", "--user", "alice:change-me", "--realm", "example.org",
                "--listen", "127.0.0.1:" + port, "--metrics-listen", "off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitBinding(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), log);
            PackagedJarIT.Run probe = PackagedJarIT.run("probe", "turn:127.0.0.1:" + port, "--user", "alice",
                    "--password", "change-me", "--format", "json");
            String json = probe.out();
            System.out.println(json);
            assertEquals(0, probe.code(), json + probe.err());
            assertTrue(json.contains("\"verdict\" : \"pass\""), json);
            // The relay check warns: the server (rightly) refuses the probe's own loopback address.
            assertTrue(Pattern.compile("\"name\" : \"relay\",\\s*\"status\" : \"warn\"").matcher(json).find(), json);
            // A fresh JVM on both ends, and still the binding RTT is loopback's, not class loading's.
            Matcher m = Pattern.compile("\"name\" : \"binding\".*?\"rttMs\" : ([0-9.]+)", Pattern.DOTALL).matcher(json);
            assertTrue(m.find(), json);
            double rtt = Double.parseDouble(m.group(1));
            assertTrue(rtt < 5, "first binding RTT on loopback " + rtt + " ms");
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve did not stop");
            Files.deleteIfExists(log);
        }
    }

    /** Binding until the server answers: bounded, 40 tries of 500 ms. */
    private static void awaitBinding(InetSocketAddress server, Path log) throws Exception {
        try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            c.setSoTimeout(500);
            byte[] req = StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.NONE);
            for (int i = 0; i < 40; i++) {
                c.send(new DatagramPacket(req, req.length, server));
                try {
                    c.receive(new DatagramPacket(new byte[1500], 1500));
                    return;
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
            }
        }
        throw new AssertionError("serve never answered: " + Files.readString(log));
    }
}
