package org.turnctl.server.tcprelay;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.TurnMetrics;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.ConnectionId;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * RFC 6062 TCP allocations: the relayed address is a listening TCP socket; connections to peers
 * are made by Connect or accepted from peers, each waits (not read) for the client to bind it with
 * ConnectionBind on a new data connection, and a bound pair is spliced byte for byte with
 * backpressure ({@link Splice}). Everything about one allocation happens on its event loop; only
 * the CONNECTION-ID table is shared, because a ConnectionBind arrives on any connection.
 */
public final class TcpRelays {
    /** RFC 6062 section 5.3: a connection not bound within 30 s is closed. */
    static final long BIND_SECONDS = Long.getLong("turnctl.tcpConnectionBindSeconds", 30);
    /** Connections waiting for ConnectionBind per allocation: past it, peers are refused (no ConnectionAttempt flood). */
    static final int MAX_PENDING = 32;
    private static final AttributeKey<Allocation> ALLOCATION = AttributeKey.valueOf("turnctl.tcpAllocation");
    /** The allocation's connections by peer, on its listening channel; touched on its loop only. */
    private static final AttributeKey<Map<InetSocketAddress, PeerConnection>> BY_PEER = AttributeKey.valueOf("turnctl.tcpPeers");

    private final Class<? extends ServerSocketChannel> serverClass;
    private final Class<? extends SocketChannel> socketClass;
    private final boolean reusePort;
    private final TurnMetrics metrics;
    private final TimeSource clock;
    private final Map<Long, PeerConnection> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public TcpRelays(Class<? extends ServerSocketChannel> serverClass, Class<? extends SocketChannel> socketClass,
            boolean reusePort, TurnMetrics metrics, TimeSource clock) {
        this.clock = clock;
        this.serverClass = serverClass;
        this.socketClass = socketClass;
        this.reusePort = reusePort;
        this.metrics = metrics;
    }

    /**
     * Binds the relayed address of a TCP allocation: a listening socket whose accepted peers wait
     * for ConnectionBind. SO_REUSEPORT, because the connections the server makes to peers leave
     * from this same address (RFC 6062 section 5.2).
     */
    public ChannelFuture listen(EventLoop loop, InetSocketAddress at) {
        ServerBootstrap b = new ServerBootstrap().group(loop).channel(serverClass).option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false).childHandler(new Accepted());
        if (reusePort) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return b.bind(at);
    }

    /** Connects the listening socket to its allocation; its connections close with it. */
    public void attach(Allocation a) {
        Channel listener = a.relayChannel();
        listener.attr(ALLOCATION).set(a);
        listener.attr(BY_PEER).set(new HashMap<>());
        a.onDelete(() -> {
            Map<InetSocketAddress, PeerConnection> all = listener.attr(BY_PEER).get();
            for (PeerConnection c : List.copyOf(all.values())) {
                c.channel.close();
            }
        });
    }

    /** True when the allocation has a connection to the peer, or one under way (446). */
    public boolean hasConnection(Allocation a, InetSocketAddress peer) {
        return a.relayChannel().attr(BY_PEER).get().containsKey(peer);
    }

    /**
     * RFC 6062 section 5.2: opens a connection from the relayed address to the peer; {@code ok}
     * gets the CONNECTION-ID, {@code failed} the error code (447). Call on the allocation's loop.
     */
    public void connect(Allocation a, InetSocketAddress peer, LongConsumer ok, IntConsumer failed) {
        Map<InetSocketAddress, PeerConnection> byPeer = a.relayChannel().attr(BY_PEER).get();
        Bootstrap b = new Bootstrap().group(a.relayChannel().eventLoop()).channel(socketClass)
                .option(ChannelOption.SO_REUSEADDR, true).option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(BIND_SECONDS))
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws Exception {
                        // Netty's epoll socket channel has no SO_REUSEPORT option; its socket does.
                        // Without it the bind to the listening relayed address fails.
                        if (ch instanceof io.netty.channel.epoll.EpollSocketChannel e
                                && e.fd() instanceof io.netty.channel.unix.Socket socket) {
                            socket.setReusePort(true);
                        }
                    }
                });
        ChannelFuture f = b.localAddress(a.relayAddress()).connect(peer);
        PeerConnection placeholder = new PeerConnection(0, a, peer, f.channel());
        byPeer.put(peer, placeholder); // a second Connect meanwhile gets 446
        f.addListener(done -> {
            byPeer.remove(peer, placeholder);
            if (!done.isSuccess() || a.isDeleted()) {
                f.channel().close();
                failed.accept(ErrorCode.CONNECTION_TIMEOUT_OR_FAILURE);
                return;
            }
            ok.accept(register(a, peer, f.channel()).id);
        });
    }

    /** A peer connection of {@code a} waiting for its ConnectionBind: in both tables, with its 30 s timer. */
    private PeerConnection register(Allocation a, InetSocketAddress peer, Channel channel) {
        long id;
        PeerConnection c;
        do {
            id = random.nextInt() & 0xFFFF_FFFFL;
            c = new PeerConnection(id, a, peer, channel);
        } while (id == 0 || byId.putIfAbsent(id, c) != null);
        PeerConnection registered = c;
        Map<InetSocketAddress, PeerConnection> byPeer = a.relayChannel().attr(BY_PEER).get();
        byPeer.put(peer, registered);
        metrics.tcpRelayConnections(1);
        registered.expiry = channel.eventLoop().schedule(() -> {
            if (!registered.bound) {
                channel.close();
            }
        }, BIND_SECONDS, TimeUnit.SECONDS);
        channel.closeFuture().addListener(closed -> {
            registered.expiry.cancel(false);
            byId.remove(registered.id, registered);
            byPeer.remove(peer, registered);
            metrics.tcpRelayConnections(-1);
        });
        return registered;
    }

    /** The allocation's user, for the ConnectionBind's credential check; null for an unknown id. */
    public String owner(long id) {
        PeerConnection c = byId.get(id);
        return c == null || c.bound ? null : c.allocation.username();
    }

    /**
     * RFC 6062 section 5.4: binds {@code data} (the client's new connection, on whose loop this
     * runs, after the success response was written) to the peer connection {@code id}: from now on
     * neither carries STUN. False when the id is unknown, bound, or expired meanwhile.
     */
    public boolean bind(long id, Channel data) {
        PeerConnection c = byId.remove(id);
        if (c == null || c.bound || !c.channel.isActive()) {
            return false;
        }
        c.bound = true;
        c.expiry.cancel(false);
        // The data connection: TLS (if any) stays; the STUN framing, the idle guard and the control
        // handler go. The splice goes in first and the framer leaves last, so the bytes the client
        // sent right after its ConnectionBind (still in the framer) reach the peer.
        ChannelPipeline p = data.pipeline();
        Splice toPeer = new Splice(c.channel, metrics, TurnMetrics.Direction.CLIENT_TO_PEER);
        p.addLast(toPeer);
        List<ChannelHandler> decoders = new java.util.ArrayList<>();
        for (String name : p.names()) {
            ChannelHandler h = p.get(name);
            if (h == null || h == toPeer || h instanceof SslHandler) {
                continue;
            }
            if (h instanceof ByteToMessageDecoder) {
                decoders.add(h);
            } else {
                p.remove(h);
            }
        }
        decoders.forEach(p::remove);
        c.channel.eventLoop().execute(() -> {
            c.channel.pipeline().addLast(new Splice(data, metrics, TurnMetrics.Direction.PEER_TO_CLIENT));
            c.channel.config().setAutoRead(true);
        });
        data.config().setAutoRead(true);
        return true;
    }

    /** RFC 6062 section 5.3: a peer connected to the relayed address. Stateless: one for every accepted connection. */
    @ChannelHandler.Sharable
    private final class Accepted extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            Allocation a = ch.parent().attr(ALLOCATION).get();
            InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
            // "If no permission for the peer's IP address ... the connection MUST be rejected" (closed);
            // and a peer may not pile up connections the client never binds.
            if (a == null || a.isDeleted() || !a.permits(peer, clock.nowMillis()) || pending(a) >= MAX_PENDING
                    || ch.parent().attr(BY_PEER).get().containsKey(peer)) {
                ch.close();
                return;
            }
            PeerConnection c = register(a, peer, ch);
            // "... the server MUST send a ConnectionAttempt indication to the client" with the
            // peer's address and the CONNECTION-ID.
            StunMessage attempt = StunMessage.builder(Method.CONNECTION_ATTEMPT, MessageClass.INDICATION)
                    .add(new XorPeerAddress(peer)).add(new ConnectionId(c.id)).build();
            ByteBuf out = StunCodec.encode(attempt, Protection.FINGERPRINT, a.client().alloc());
            a.client().send(out);
            ctx.pipeline().remove(this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // not read before it is bound (autoRead off); never here
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private int pending(Allocation a) {
        int n = 0;
        for (PeerConnection c : a.relayChannel().attr(BY_PEER).get().values()) {
            if (!c.bound) {
                n++;
            }
        }
        return n;
    }
}
