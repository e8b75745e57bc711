package org.turnctl.server.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service is doing, in sd_notify(3)'s protocol: one datagram of
 * newline-separated {@code KEY=value} lines to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}
 * (a path, or {@code @name} in the abstract namespace). The unit's {@code Type=notify} makes
 * systemd wait for {@code READY=1}, so units ordered after turnctl start once its listeners are
 * bound; {@code STOPPING=1} says a drain has begun; {@code WATCHDOG=1} keeps it from restarting
 * the service.
 *
 * <p>The datagram socket is Netty's epoll Unix datagram channel on a thread of its own. Without
 * {@code $NOTIFY_SOCKET} (not started by systemd, or a unit of another type) every method does
 * nothing, as sd_notify does.
 */
public final class SystemdNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("turnctl.server");
    private static final SystemdNotifier OFF = new SystemdNotifier(null, null, "");

    private final EventLoopGroup group;
    private final Channel channel;
    private final String socket;
    private final AtomicBoolean sendFailureLogged = new AtomicBoolean();
    private volatile ScheduledFuture<?> watchdog;

    private SystemdNotifier(EventLoopGroup group, Channel channel, String socket) {
        this.group = group;
        this.channel = channel;
        this.socket = socket;
    }

    /** The notifier $NOTIFY_SOCKET asks for, or one that does nothing. Never throws. */
    public static SystemdNotifier fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return OFF;
        }
        if (!socket.startsWith("/") && !socket.startsWith("@")) {
            // systemd 254 can also hand out vsock: addresses, for virtual machines.
            LOG.warn("NOTIFY_SOCKET={} is not a Unix socket path: systemd will not hear that turnctl is ready", socket);
            return OFF;
        }
        if (!Epoll.isAvailable()) {
            LOG.warn("NOTIFY_SOCKET is set but native epoll is unavailable ({}): systemd will not hear that turnctl is ready",
                    Epoll.unavailabilityCause().toString());
            return OFF;
        }
        return open(socket);
    }

    private static SystemdNotifier open(String socket) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("turnctl-systemd", true),
                EpollIoHandler.newFactory());
        // unix(7): an abstract address starts with a NUL byte, which systemd spells '@'.
        String path = socket.startsWith("@") ? '\0' + socket.substring(1) : socket;
        ChannelFuture connect = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new DomainSocketAddress(path)).awaitUninterruptibly();
        if (!connect.isSuccess()) {
            LOG.warn("NOTIFY_SOCKET={}: {}; systemd will not hear that turnctl is ready", socket, connect.cause().toString());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return OFF;
        }
        return new SystemdNotifier(group, connect.channel(), socket);
    }

    /**
     * The watchdog timeout systemd set ({@code $WATCHDOG_USEC}, from the unit's WatchdogSec=), or
     * zero when there is none or it is meant for another process ({@code $WATCHDOG_PID}).
     */
    public static Duration watchdogTimeout(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (usec == null || (forPid != null && Long.parseLong(forPid.strip()) != pid)) {
                return Duration.ZERO;
            }
            long micros = Long.parseLong(usec.strip());
            return micros > 0 ? Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(micros)) : Duration.ZERO;
        } catch (NumberFormatException e) {
            LOG.warn("WATCHDOG_USEC={} WATCHDOG_PID={}: not numbers; no watchdog pings", usec, forPid);
            return Duration.ZERO;
        }
    }

    /** Whether systemd is listening. */
    public boolean enabled() {
        return channel != null;
    }

    /** READY=1: every listener is bound. */
    public void ready(String status) {
        sendAndWait("READY=1\nSTATUS=" + oneLine(status));
    }

    /** STOPPING=1: a drain or a stop has begun. */
    public void stopping(String status) {
        sendAndWait("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** A status line for `systemctl status`. */
    public void status(String status) {
        sendAndWait("STATUS=" + oneLine(status));
    }

    /**
     * Sends WATCHDOG=1 every {@code timeout / 2} (sd_watchdog_enabled(3) advises half), but only
     * while every one of {@code loops} keeps running tasks: each ping needs the whole previous
     * round of no-op tasks to have run. A wedged event loop (a handler stuck in a blocking call, a
     * livelock) stops the pings, and systemd restarts the service after the timeout. The pings are
     * sent from this notifier's own thread, so a busy relay loop delays a ping by at most its
     * current task.
     */
    public void watch(Iterable<? extends EventExecutor> loops, Duration timeout) {
        if (channel == null || timeout.isZero() || watchdog != null) {
            return;
        }
        long periodNanos = Math.max(1, timeout.toNanos() / 2);
        LoopRound round = new LoopRound(loops);
        watchdog = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (round.completed()) {
                channel.writeAndFlush(datagram("WATCHDOG=1")).addListener(this::logFirstFailure);
                round.start();
            } else {
                LOG.warn("watchdog: an event loop has not run a task for {} ms; no ping to systemd, which restarts "
                        + "turnctl when {} ms pass without one", TimeUnit.NANOSECONDS.toMillis(periodNanos), timeout.toMillis());
            }
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        ScheduledFuture<?> w = watchdog;
        if (w != null) {
            w.cancel(false);
        }
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return channel == null ? "systemd notifications off" : "systemd notifications to " + socket;
    }

    private void sendAndWait(String message) {
        if (channel == null) {
            return;
        }
        // Waited for, so READY=1 leaves before anything that follows it, and STOPPING=1 before the exit.
        ChannelFuture sent = channel.writeAndFlush(datagram(message));
        if (sent.awaitUninterruptibly(1, TimeUnit.SECONDS)) {
            logFirstFailure(sent);
        }
    }

    private void logFirstFailure(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess() && sendFailureLogged.compareAndSet(false, true)) {
            LOG.warn("systemd notification to NOTIFY_SOCKET={} failed: {}", socket, String.valueOf(f.cause()));
        }
    }

    private static io.netty.buffer.ByteBuf datagram(String message) {
        return Unpooled.copiedBuffer(message, StandardCharsets.UTF_8);
    }

    private static String oneLine(String status) {
        return status.replace('\n', ' ');
    }
}
