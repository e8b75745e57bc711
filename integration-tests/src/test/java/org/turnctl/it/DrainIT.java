package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.probe.client.TurnErrorException;
import org.turnctl.testsupport.Await;

/**
 * `turnctl serve --drain-timeout` as a process: SIGTERM makes /readyz 503 and turn_draining 1,
 * sends new clients to the alternate (300), lets the allocation there go on, and exits 0 once it
 * ends, with a log line at each end of the drain.
 */
class DrainIT {
    @Test
    void sigtermDrainsThenExitsWhenTheLastAllocationEnds() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--user", "alice:pw", "--realm", "drain.test",
                "--drain-timeout", "30s", "--alternate-server", "192.0.2.10:3478")) {
            Process p = serve.process;
            InetSocketAddress server = serve.address();
            TurnClient staying = new TurnClient(StunClient.open(server, IceServerUri.Transport.UDP, 3000), "alice", "pw");
            staying.allocate();

            p.destroy(); // SIGTERM
            assertTrue(Await.until(Duration.ofSeconds(10), () -> serve.readyz() == 503),
                    "/readyz 503 while draining: " + serve.log());
            assertTrue(serve.get("/metrics").body().contains("turn_draining 1.0"));
            try (TurnClient newcomer = new TurnClient(StunClient.open(server, IceServerUri.Transport.UDP, 3000), "alice", "pw")) {
                newcomer.allocate();
                throw new AssertionError("a new allocation while draining");
            } catch (TurnErrorException e) {
                assertEquals(300, e.code(), "sent to the alternate");
            }
            assertTrue(p.isAlive(), "still serving the allocation there is");
            staying.refresh(600); // goes on as normal

            staying.close(); // Refresh 0: the last allocation ends
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits once the last allocation is gone");
            String out = serve.log();
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("draining: 1 allocation(s)"), out);
            assertTrue(out.contains("drained: 0 allocation(s) left"), out);
        }
    }

    /** An allocation that outlives --drain-timeout does not keep the process: it exits 0 at the timeout. */
    @Test
    void aDrainEndsAtItsTimeoutEvenWithAllocationsLeft() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--user", "alice:pw", "--realm", "drain.test", "--drain-timeout", "2s");
                TurnClient staying = new TurnClient(StunClient.open(serve.address(), IceServerUri.Transport.UDP, 3000), "alice", "pw")) {
            staying.allocate();
            long t0 = System.nanoTime();
            serve.process.destroy(); // SIGTERM
            assertTrue(serve.process.waitFor(15, TimeUnit.SECONDS), "exits at the timeout: " + serve.log());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, serve.process.exitValue(), serve.log());
            assertTrue(seconds >= 1.9, "waited for the drain: " + seconds + " s");
            assertTrue(serve.log().contains("drained: 1 allocation(s) left after 2 s"), serve.log());
        }
    }
}
