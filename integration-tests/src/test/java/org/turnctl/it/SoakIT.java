package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.client.StunClient;
import org.turnctl.probe.client.TurnClient;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.Operations;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.Await;

/**
 * Soak tests in the suite, bounded: hold many allocations (each with a permission and a channel),
 * and churn through allocate, permission, channel, echo, delete cycles over UDP and TCP with
 * several workers. After each, everything the server gave out is back: allocations, the
 * allocation gauges, relay ports, file descriptors; Netty's leak detector runs paranoid. Sizes
 * are 2,000 allocations and 5,000 cycles; {@code -Psoak} runs 10,000 and 100,000 (that needs
 * {@code ulimit -n} of at least 25,000: client and server share this process).
 */
class SoakIT {
    private static final String REALM = "soak.test";
    private static final int ALLOCATIONS = Integer.getInteger("soak.allocations", 2_000);
    private static final int CYCLES = Integer.getInteger("soak.cycles", 5_000);
    private static final int CHANNEL = 0x4000;

    private Operations ops;
    private TurnServer server;
    private DatagramSocket peer;
    private Thread echo;

    @BeforeEach
    void start() throws Exception {
        ops = Operations.start(null);
        // Relay ports below Linux's ephemeral range: the clients' own sockets, thousands of them in
        // this process, would otherwise take relay ports from under the server.
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 10000, 32767, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "pw")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM), ops.metrics());
        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        echo = new Thread(() -> {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (true) {
                    p.setLength(buf.length);
                    peer.receive(p);
                    peer.send(p);
                }
            } catch (IOException e) {
                // closed
            }
        }, "soak-echo-peer");
        echo.setDaemon(true);
        echo.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        ops.close();
        peer.close();
        echo.join(2000);
    }

    private TurnClient client(IceServerUri.Transport transport) throws IOException {
        InetSocketAddress at = transport == IceServerUri.Transport.UDP ? server.udpAddresses().get(0) : server.tcpAddresses().get(0);
        return new TurnClient(StunClient.open(at, transport, 3000), "alice", "pw");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Allocations, gauges, ports and descriptors all back where they started. */
    private void assertEverythingReturned(long fdsBefore) {
        assertTrue(Await.until(Duration.ofSeconds(20), () -> server.allocationCount() == 0 && server.relayPortsInUse() == 0),
                "allocations " + server.allocationCount() + ", relay ports " + server.relayPortsInUse());
        String scrape = ops.scrape();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("turn_allocations_active{")) {
                assertTrue(line.endsWith(" 0.0"), line);
            }
        }
        long fds = Await.value(Duration.ofSeconds(10), () -> {
            try {
                return openFds();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, n -> n <= fdsBefore);
        assertTrue(fds <= fdsBefore, "file descriptors " + fds + ", before " + fdsBefore);
    }

    @Test
    void holdsAllocationsWithPermissionsAndChannelsThenGivesEverythingBack() throws Exception {
        long fdsBefore = openFds();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        List<TurnClient> held = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < ALLOCATIONS; i++) {
                TurnClient c = client(IceServerUri.Transport.UDP);
                held.add(c);
                c.allocate();
                c.createPermission(peerAddress);
                c.channelBind(CHANNEL, peerAddress);
            }
            assertEquals(ALLOCATIONS, server.allocationCount());
            assertEquals(ALLOCATIONS, server.relayPortsInUse());
        } finally {
            for (TurnClient c : held) {
                c.close(); // Refresh 0, then the socket
            }
        }
        System.out.printf("held %d allocations with permission and channel, set up in %d ms%n", ALLOCATIONS,
                (System.nanoTime() - t0) / 1_000_000);
        assertEverythingReturned(fdsBefore);
    }

    @Test
    void churnsAllocateRelayDeleteCyclesOverUdpAndTcp() throws Exception {
        long fdsBefore = openFds();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        int workers = 4;
        AtomicInteger done = new AtomicInteger();
        AtomicInteger echoed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                IceServerUri.Transport transport = w % 2 == 0 ? IceServerUri.Transport.UDP : IceServerUri.Transport.TCP;
                futures.add(pool.submit(() -> {
                    byte[] payload = new byte[100];
                    for (int i = 0; i < CYCLES / workers; i++) {
                        try (TurnClient c = client(transport)) {
                            c.allocate();
                            c.createPermission(peerAddress);
                            c.channelBind(CHANNEL, peerAddress);
                            c.sendChannelData(CHANNEL, payload);
                            if (TurnClient.payload(c.receive(2000)) != null) {
                                echoed.incrementAndGet();
                            }
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        int cycles = CYCLES / workers * workers;
        System.out.printf("churned %d allocate/permission/channel/echo/delete cycles (UDP and TCP, %d workers) in %d ms, "
                + "%d echoed%n", done.get(), workers, (System.nanoTime() - t0) / 1_000_000, echoed.get());
        assertEquals(cycles, done.get());
        assertTrue(echoed.get() >= cycles * 0.99, "echoes " + echoed.get() + " of " + cycles + " on loopback");
        assertEverythingReturned(fdsBefore);
    }
}
