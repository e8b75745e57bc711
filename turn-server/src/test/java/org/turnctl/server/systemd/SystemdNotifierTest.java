package org.turnctl.server.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's protocol, heard on a Unix datagram socket the test binds itself, as systemd does. */
class SystemdNotifierTest {
    private EventLoopGroup group;
    private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();

    @BeforeEach
    void epoll() {
        assumeTrue(Epoll.isAvailable(), "native epoll");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void close() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** What systemd would do: bind the socket and read datagrams. */
    private Channel listen(String path) {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        heard.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(path)).syncUninterruptibly().channel();
    }

    private String next() throws InterruptedException {
        return heard.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void readyStatusAndStoppingArriveInOrder(@TempDir Path dir) throws Exception {
        String path = dir.resolve("notify").toString();
        Channel systemd = listen(path);
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", path))) {
            assertTrue(n.enabled());
            n.ready("relaying:\nUDP 1");
            n.status("reloaded: users");
            n.stopping("draining: 3 allocation(s)");
            assertEquals("READY=1\nSTATUS=relaying: UDP 1", next(), "a status stays one line");
            assertEquals("STATUS=reloaded: users", next());
            assertEquals("STOPPING=1\nSTATUS=draining: 3 allocation(s)", next());
        } finally {
            systemd.close().syncUninterruptibly();
        }
    }

    @Test
    void anAbstractSocketIsSpelledWithAnAt() throws Exception {
        String name = "turnctl-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Channel systemd = listen('\0' + name);
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name))) {
            n.ready("up");
            assertEquals("READY=1\nSTATUS=up", next());
        } finally {
            systemd.close().syncUninterruptibly();
        }
    }

    @Test
    void withoutNotifySocketOrWithABadOneNothingIsSentAndNothingThrows(@TempDir Path dir) {
        for (Map<String, String> env : new Map[] {Map.of(), Map.of("NOTIFY_SOCKET", "vsock:2:1234"),
                Map.of("NOTIFY_SOCKET", dir.resolve("nobody-listens").toString())}) {
            try (SystemdNotifier n = SystemdNotifier.fromEnvironment(env)) {
                assertFalse(n.enabled(), env.toString());
                n.ready("up");
                n.watch(group, Duration.ofMillis(100));
            }
        }
    }

    @Test
    void theWatchdogTimeoutIsForThisProcessOnly() {
        assertEquals(Duration.ofSeconds(30), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(Duration.ofSeconds(30),
                SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(Duration.ZERO, SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 42));
        assertEquals(Duration.ZERO, SystemdNotifier.watchdogTimeout(Map.of(), 42));
        assertEquals(Duration.ZERO, SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "soon"), 42));
        assertEquals(Duration.ZERO, SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "0"), 42));
    }

    /** Pings while every loop runs tasks; none while one is wedged; pings again once it runs. */
    @Test
    void aWedgedEventLoopStopsTheWatchdogPings(@TempDir Path dir) throws Exception {
        String path = dir.resolve("notify").toString();
        Channel systemd = listen(path);
        EventLoopGroup relay = new MultiThreadIoEventLoopGroup(3, EpollIoHandler.newFactory());
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", path))) {
            n.watch(relay, Duration.ofMillis(200)); // a ping every 100 ms
            for (int i = 0; i < 3; i++) {
                assertEquals("WATCHDOG=1", next());
            }
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch wedged = new CountDownLatch(1);
            relay.next().next().execute(() -> {
                wedged.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(wedged.await(5, TimeUnit.SECONDS));
            // A round that completed just before the wedge may still ping once: wait until the pings stop
            // (bounded), then none may come for ten periods.
            long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (heard.poll(500, TimeUnit.MILLISECONDS) != null && System.nanoTime() < settleUntil) {
                // draining pings sent before the loop wedged
            }
            assertNull(heard.poll(1, TimeUnit.SECONDS), "no ping while a loop is wedged (ten periods)");
            release.countDown();
            assertNotNull(next(), "pings again once the loop runs");
        } finally {
            relay.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            systemd.close().syncUninterruptibly();
        }
    }
}
