package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `turnctl serve` under a Type=notify unit, with systemd played by a socket the test binds:
 * READY=1 once it serves (/readyz is 200 by then), WATCHDOG=1 at half the watchdog timeout, and
 * STOPPING=1 when SIGTERM starts the drain.
 */
class SystemdNotifyIT {
    @Test
    void systemdHearsReadyWatchdogAndStopping(@TempDir Path dir) throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll");
        LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path socket = dir.resolve("notify");
        Channel systemd = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        heard.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(socket.toString())).syncUninterruptibly().channel();
        // WatchdogSec=1 (pings every 0.5 s); no WATCHDOG_PID, as when java is the unit's main process.
        try (ServeProcess serve = ServeProcess.start(Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "1000000"),
                "--user", "alice:pw", "--realm", "notify.test", "--drain-timeout", "5s")) {
            String ready = heard.poll(10, TimeUnit.SECONDS);
            assertTrue(ready != null && ready.startsWith("READY=1\nSTATUS=relaying: UDP 1, TCP 1"), ready + "\n" + serve.log());
            for (int i = 0; i < 3; i++) {
                assertEquals("WATCHDOG=1", heard.poll(5, TimeUnit.SECONDS), serve.log());
            }
            serve.process.destroy(); // SIGTERM: a drain, with no allocation to wait for
            String stopping;
            do {
                stopping = heard.poll(5, TimeUnit.SECONDS);
            } while ("WATCHDOG=1".equals(stopping));
            assertEquals("STOPPING=1\nSTATUS=draining: 0 allocation(s) left, new clients sent elsewhere", stopping);
            assertTrue(serve.process.waitFor(10, TimeUnit.SECONDS), serve.log());
            assertEquals(0, serve.process.exitValue(), serve.log());
        } finally {
            systemd.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
