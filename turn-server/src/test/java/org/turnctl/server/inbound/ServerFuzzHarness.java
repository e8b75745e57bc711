package org.turnctl.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.turnctl.server.CountingMetrics;
import org.turnctl.server.FakeTime;
import org.turnctl.server.allocation.AllocationManager;
import org.turnctl.server.allocation.PortPool;
import org.turnctl.server.allocation.Quotas;
import org.turnctl.server.allocation.RelayAddresses;
import org.turnctl.server.auth.NonceService;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Settings;
import org.turnctl.server.handler.RequestDispatcher;
import org.turnctl.server.relay.RelaySockets;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.address.Ipv4Embedding;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.EvenPort;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;
import org.turnctl.stun.netty.StunStreamFramer;

/**
 * The whole server but its sockets, for fuzzing: the real UDP listener and TCP connection
 * handlers, router, dispatcher, allocations and peer path on EmbeddedChannels, with relay sockets
 * that are EmbeddedChannels too (so the harness can play the peers) and time moved by hand.
 *
 * <p>An input is a program: each step picks an operation (a raw datagram from one of four
 * clients, a well-formed authenticated request with fuzzed fields and maybe one flipped byte,
 * ChannelData, a Send indication, a TCP byte chunk cut anywhere, a peer datagram into a relay, a
 * jump in time, a TCP hang-up) and its arguments from the input's bytes. After every step:
 * nothing escaped a handler, every datagram the harness handed in was released, every answer is
 * a well-formed STUN message or ChannelData, data to peers goes only to peers the policy allows,
 * and the allocation gauge matches the allocations held. At the end, every TCP connection hangs
 * up and time passes every lifetime: no allocation, permission, channel or relay port may be left.
 * A broken invariant throws {@link AssertionError}.
 */
final class ServerFuzzHarness {
    private static final String REALM = "fuzz.test";
    private static final byte[] KEY = Integrity.longTermKeyMd5("alice", REALM, "secret");
    private static final int STEPS = 48;
    private static final InetSocketAddress[] CLIENTS = {
        new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress("127.0.0.1", 40001),
        new InetSocketAddress("127.0.0.2", 40000), new InetSocketAddress("::1", 40000)};
    /** Loopback peers are allowed (the policy opens loopback here); the rest are refused in every spelling. */
    private static final InetSocketAddress[] PEERS = {
        new InetSocketAddress("127.0.0.1", 50001), new InetSocketAddress("127.0.0.3", 50002),
        new InetSocketAddress("10.0.0.1", 9), new InetSocketAddress("169.254.169.254", 80),
        mapped("169.254.169.254", 80), new InetSocketAddress("::1", 50003), new InetSocketAddress("fe80::1", 9)};
    private static final Method[] METHODS = {Method.ALLOCATE, Method.REFRESH, Method.CREATE_PERMISSION, Method.CHANNEL_BIND,
        Method.BINDING};

    /** Stateless, so one serves every program (its secret comes from SecureRandom, which is slow to seed). */
    private static final NonceService NONCES = new NonceService(600);

    private final FakeTime time = new FakeTime();
    private final CountingMetrics metrics = new CountingMetrics();
    private final AllocationManager allocations = new AllocationManager(new PortPool(49152, 49200), new Quotas(0, 0),
            new RelayAddresses(InetAddress.getLoopbackAddress(), null, Map.of()), metrics);
    private final List<EmbeddedChannel> relays = new ArrayList<>();
    private final InboundRouter router;
    private final Embedded udp;
    private final Embedded[] tcp = new Embedded[2];
    private final List<ByteBuf> handedIn = new ArrayList<>();
    private final Map<Integer, String> nonces = new HashMap<>();
    private final Map<Integer, ByteBuf> tcpAnswers = new HashMap<>();
    private static final String[] OPS = {"datagram", "request", "channelData", "send", "tcp", "peer", "time", "hangUp"};
    /** The operations run so far, for the message when an invariant breaks. */
    private final List<String> trace = new ArrayList<>();

    /**
     * The program now running's clock. The settings are built once (their peer policy parses
     * prefixes: a third of a short program's cost), so they read time through this.
     */
    private static FakeTime current;
    private static final Settings SETTINGS = Settings.of(new ServerConfig(List.of(Embedded.SERVER), List.of(), Map.of(),
            49152, 49200, REALM, Map.of("alice", KEY), List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1, null,
            () -> current.nowMillis()));

    private ServerFuzzHarness() {
        current = time; // every program starts at the same instant: a crashing input replays alike
        RelaySockets sockets = new RelaySockets((loop, at, handler) -> {
            EmbeddedChannel relay = new EmbeddedChannel(handler) {
                @Override
                protected SocketAddress localAddress0() {
                    return at;
                }
            };
            relays.add(relay);
            return relay.newSucceededFuture();
        }, time, metrics);
        RequestDispatcher dispatcher = new RequestDispatcher(new AtomicReference<>(SETTINGS), NONCES,
                allocations, sockets, time);
        router = new InboundRouter(dispatcher, null, metrics, time);
        udp = new Embedded(UdpListenerHandler.relaying(router, false));
    }

    /** What one program reached: how many allocations it made, how much it relayed each way. */
    record Reach(int allocations, long toPeers, long toClients, List<String> steps) {
    }

    /** Runs one program. Throws AssertionError when an invariant breaks. */
    static Reach run(byte[] program) {
        ServerFuzzHarness h = new ServerFuzzHarness();
        try {
            Cursor in = new Cursor(program);
            for (int step = 0; step < STEPS && in.hasMore(); step++) {
                h.step(in);
                h.check();
            }
            h.finish();
            return new Reach(h.relays.size(), h.metrics.relayedToPeer(), h.metrics.relayedToClient(), h.trace);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the steps: " + h.trace, e);
        } finally {
            h.releaseAll();
        }
    }

    private void step(Cursor in) {
        int op = in.next(8);
        trace.add(OPS[op]);
        switch (op) {
            case 0 -> datagram(client(in), in.bytes(600));
            case 1 -> authenticated(in);
            case 2 -> {
                int channel = in.next(4) == 0 ? in.next(0x10000) : 0x4000 + in.next(4);
                byte[] payload = in.bytes(300);
                int lie = in.next(4) == 0 ? in.next(0x10000) : payload.length;
                ByteBuf b = Unpooled.buffer().writeShort(channel).writeShort(lie).writeBytes(payload);
                datagram(client(in), toBytes(b));
            }
            case 3 -> datagram(client(in), StunCodec.toBytes(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                    .add(new XorPeerAddress(PEERS[peer(in)])).add(Data.of(in.bytes(300))).build(), Protection.NONE));
            case 4 -> {
                int c = in.next(tcp.length);
                byte[] bytes = in.next(2) == 0 ? in.bytes(400) : request(in, 1000 + c);
                int cut = in.next(bytes.length + 1); // a stream is cut anywhere: two writes
                tcpWrite(c, java.util.Arrays.copyOfRange(bytes, 0, cut));
                tcpWrite(c, java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
            }
            case 5 -> {
                if (!relays.isEmpty()) {
                    EmbeddedChannel relay = relays.get(in.next(relays.size()));
                    if (relay.isOpen()) {
                        ByteBuf b = handIn(in.bytes(600));
                        relay.writeInbound(new DatagramPacket(b, (InetSocketAddress) relay.localAddress(), PEERS[peer(in)]));
                    }
                }
            }
            case 6 -> advance(in.next(900));
            default -> {
                int c = in.next(tcp.length);
                if (tcp[c] != null) {
                    tcp[c].close();
                    tcp[c] = null;
                }
            }
        }
        runPending();
    }

    /**
     * Choices of client and peer lean to the first of each (5 in 8), so that random programs
     * often line up an allocation, its permission and its data: the path worth fuzzing deepest.
     */
    private static int client(Cursor in) {
        int v = in.next(256);
        return v < 160 ? 0 : v % CLIENTS.length;
    }

    private static int peer(Cursor in) {
        int v = in.next(256);
        return v < 160 ? 0 : v % PEERS.length;
    }

    private void authenticated(Cursor in) {
        int client = client(in);
        byte[] bytes = request(in, client);
        if (in.next(4) == 0 && bytes.length > 0) {
            bytes[in.next(bytes.length)] ^= (byte) (1 + in.next(255)); // integrity, fingerprint or a field now wrong
        }
        datagram(client, bytes);
    }

    /** A well-formed request signed with the client's current nonce (fetched with a 401 first). */
    private byte[] request(Cursor in, int client) {
        Method method = METHODS[in.next(METHODS.length)];
        List<StunAttribute> attrs = new ArrayList<>();
        switch (method.code()) {
            case 0x003 -> { // Allocate
                attrs.add(new RequestedTransport(in.next(8) == 0 ? in.next(256) : RequestedTransport.UDP));
                if (in.next(4) == 0) {
                    attrs.add(new EvenPort(in.next(2) == 0));
                }
                if (in.next(2) == 0) {
                    attrs.add(new Lifetime(in.next(5000)));
                }
            }
            case 0x004 -> attrs.add(new Lifetime(in.next(4) == 0 ? 0 : in.next(5000))); // Refresh
            case 0x008 -> { // CreatePermission: one to three peers
                for (int i = 0, n = 1 + in.next(3); i < n; i++) {
                    attrs.add(new XorPeerAddress(PEERS[peer(in)]));
                }
            }
            case 0x009 -> { // ChannelBind
                attrs.add(new ChannelNumber(in.next(8) == 0 ? in.next(0x10000) : 0x4000 + in.next(4)));
                attrs.add(new XorPeerAddress(PEERS[peer(in)]));
            }
            default -> {
                return StunCodec.toBytes(StunMessage.builder(Method.BINDING, MessageClass.REQUEST).build(), Protection.FINGERPRINT);
            }
        }
        StunMessage.Builder b = StunMessage.builder(new MessageType(method, MessageClass.REQUEST), TransactionId.random());
        b.addAll(attrs).add(new Username("alice")).add(new Realm(REALM)).add(new Nonce(nonce(client)));
        return StunCodec.toBytes(b.build(), Protection.NONE.withIntegrity(KEY).withFingerprint());
    }

    /** The nonce the server gives this client (TCP connections count as clients 1000+). */
    private String nonce(int client) {
        return nonces.computeIfAbsent(client, c -> {
            if (c >= 1000) {
                return "none-yet"; // a stale or unknown nonce on TCP: answered 438 or 401, also worth fuzzing
            }
            byte[] challenge = StunCodec.toBytes(StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                    .add(new RequestedTransport(RequestedTransport.UDP)).build(), Protection.NONE);
            datagram(c, challenge);
            runPending();
            for (Object out; (out = udp.readOutbound()) != null; ) {
                DatagramPacket p = (DatagramPacket) out;
                try {
                    StunMessage m = StunCodec.decode(p.content());
                    if (Nonce.from(m).isPresent()) {
                        return Nonce.from(m).get().value();
                    }
                } catch (StunDecodeException e) {
                    throw new AssertionError("malformed answer to a plain Allocate: " + e.getMessage());
                } finally {
                    p.release();
                }
            }
            return "rate-limited";
        });
    }

    private void datagram(int client, byte[] bytes) {
        trace.add(bytes.length + " B from client " + client + (bytes.length > 0 ? String.format(" first byte 0x%02x", bytes[0]) : ""));
        ByteBuf b = handIn(bytes);
        udp.writeInbound(new DatagramPacket(b, Embedded.SERVER, CLIENTS[client]));
    }

    /** A buffer the server must release (a real one even when empty: Unpooled's empty buffer never counts down). */
    private ByteBuf handIn(byte[] bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length).writeBytes(bytes);
        handedIn.add(b);
        return b;
    }

    private void tcpWrite(int c, byte[] bytes) {
        if (tcp[c] == null) {
            tcp[c] = new Embedded(new InetSocketAddress("127.0.0.1", 41000 + c), new StunStreamFramer(), new TcpConnectionHandler(router));
        }
        if (bytes.length > 0 && tcp[c].isOpen()) {
            tcp[c].writeInbound(Unpooled.wrappedBuffer(bytes));
        }
    }

    private void advance(int seconds) {
        time.advanceSeconds(seconds);
        allocations.loop(udp.eventLoop()).sweep(time.nowMillis());
        for (Embedded t : tcp) {
            if (t != null) {
                allocations.loop(t.eventLoop()).sweep(time.nowMillis());
            }
        }
        allocations.ports().sweep(time.nowMillis());
    }

    private void runPending() {
        udp.runPendingTasks();
        for (Embedded t : tcp) {
            if (t != null) {
                t.runPendingTasks();
            }
        }
        for (EmbeddedChannel r : relays) {
            r.runPendingTasks();
        }
    }

    /** The invariants after one step. */
    private void check() {
        udp.checkException();
        for (Object out; (out = udp.readOutbound()) != null; ) {
            DatagramPacket p = (DatagramPacket) out;
            try {
                wellFormedDatagram(p.content());
            } finally {
                p.release();
            }
        }
        for (int c = 0; c < tcp.length; c++) {
            if (tcp[c] == null) {
                continue;
            }
            tcp[c].checkException();
            ByteBuf stream = tcpAnswers.computeIfAbsent(c, k -> Unpooled.buffer());
            for (Object out; (out = tcp[c].readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) out;
                stream.writeBytes(b);
                b.release();
            }
            wellFormedStream(stream);
        }
        for (EmbeddedChannel r : relays) {
            r.checkException();
            for (Object out; (out = r.readOutbound()) != null; ) {
                DatagramPacket p = (DatagramPacket) out;
                InetAddress to = p.recipient().getAddress();
                p.release();
                if (!to.isLoopbackAddress()) {
                    throw new AssertionError("relayed to a peer the policy refuses: " + to);
                }
            }
        }
        for (ByteBuf b : handedIn) {
            if (b.refCnt() != 0) {
                throw new AssertionError("a datagram handed to the server was not released (refCnt " + b.refCnt() + ")");
            }
        }
        handedIn.clear();
        long gauge = metrics.active("udp") + metrics.active("tcp");
        if (gauge != allocations.count()) {
            throw new AssertionError("allocation gauge " + gauge + " but " + allocations.count() + " allocations held");
        }
    }

    private void wellFormedDatagram(ByteBuf d) {
        if (d.readableBytes() >= 4 && (d.getUnsignedByte(d.readerIndex()) & 0xC0) == 0x40) {
            int length = d.getUnsignedShort(d.readerIndex() + 2);
            if (length + 4 != d.readableBytes()) {
                throw new AssertionError("ChannelData length " + length + " in a " + d.readableBytes() + "-byte datagram");
            }
            return;
        }
        decode(d.duplicate());
    }

    /** Consumes every complete frame of a TCP answer stream (RFC 8656 section 12.5: ChannelData padded to 4). */
    private void wellFormedStream(ByteBuf s) {
        while (s.readableBytes() >= 4) {
            boolean channelData = (s.getUnsignedByte(s.readerIndex()) & 0xC0) == 0x40;
            int length = s.getUnsignedShort(s.readerIndex() + 2);
            int frame = channelData ? 4 + ((length + 3) & ~3) : StunCodec.HEADER_LENGTH + length;
            if (s.readableBytes() < frame) {
                return;
            }
            ByteBuf f = s.readSlice(frame);
            if (!channelData) {
                decode(f.duplicate());
            }
        }
        s.discardReadBytes();
    }

    /** A STUN message; an RFC 3489 response (no magic cookie) too, since classic Binding requests get one. */
    private void decode(ByteBuf b) {
        try {
            StunMessage m = StunCodec.decode(io.netty.buffer.ByteBufUtil.getBytes(b), true);
            trace.add("answer " + m.type() + org.turnctl.stun.attr.ErrorCode.from(m).map(e -> " " + e.code()).orElse(""));
            if (m.messageClass() == MessageClass.REQUEST) {
                throw new AssertionError("the server sent a request: " + m.type());
            }
        } catch (StunDecodeException e) {
            throw new AssertionError("a malformed answer: " + e.getMessage());
        }
    }

    /** Every connection hangs up, every lifetime passes: nothing may be left. */
    private void finish() {
        for (int c = 0; c < tcp.length; c++) {
            if (tcp[c] != null) {
                tcp[c].close();
                runPending();
                check();
                tcp[c] = null;
            }
        }
        advance(3600 + 600);
        advance((int) (PortPool.RESERVATION_MILLIS / 1000) + 1);
        runPending();
        check();
        if (allocations.count() != 0 || metrics.permissions() != 0 || metrics.channels() != 0
                || allocations.ports().inUse() != 0 || allocations.ports().reservations() != 0) {
            throw new AssertionError("left behind: " + allocations.count() + " allocations, " + metrics.permissions()
                    + " permissions, " + metrics.channels() + " channels, " + allocations.ports().inUse() + " ports, "
                    + allocations.ports().reservations() + " reservations");
        }
        for (EmbeddedChannel r : relays) {
            if (r.isOpen()) {
                throw new AssertionError("a relay socket outlived its allocation: " + r.localAddress());
            }
        }
    }

    private void releaseAll() {
        udp.finishAndReleaseAll();
        for (Embedded t : tcp) {
            if (t != null) {
                t.finishAndReleaseAll();
            }
        }
        for (EmbeddedChannel r : relays) {
            r.finishAndReleaseAll();
        }
        for (ByteBuf s : tcpAnswers.values()) {
            s.release();
        }
    }

    private static byte[] toBytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        b.release();
        return a;
    }

    private static InetSocketAddress mapped(String ipv4, int port) {
        try {
            byte[] a = Ipv4Embedding.MAPPED.embed(InetAddress.getByName(ipv4).getAddress());
            return new InetSocketAddress(java.net.Inet6Address.getByAddress(null, a, -1), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a program's choices from its bytes; past the end every choice is 0 and every byte string empty. */
    static final class Cursor {
        private final byte[] b;
        private int i;

        Cursor(byte[] b) {
            this.b = b;
        }

        boolean hasMore() {
            return i < b.length;
        }

        /** A number in [0, bound). */
        int next(int bound) {
            if (bound <= 1) {
                return 0;
            }
            int v = 0;
            for (int k = 0; k < (bound > 256 ? 2 : 1); k++) {
                v = (v << 8) | (i < b.length ? b[i++] & 0xFF : 0);
            }
            return v % bound;
        }

        /**
         * Up to {@code max} bytes, the length first: mostly short (under 48), so that a program of
         * random bytes runs many steps instead of spending itself on one long datagram.
         */
        byte[] bytes(int max) {
            int n = next(256);
            n = n < 224 ? Math.min(n % 48, max) : next(max + 1);
            n = Math.min(n, b.length - i);
            byte[] out = java.util.Arrays.copyOfRange(b, i, i + Math.max(0, n));
            i += Math.max(0, n);
            return out;
        }
    }
}
