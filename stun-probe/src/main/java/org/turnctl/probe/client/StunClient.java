package org.turnctl.probe.client;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * A blocking STUN client on one socket (UDP or TCP). Transactions follow RFC 8489 section
 * 6.2: over UDP the request is retransmitted with a doubling RTO (500 ms first, capped at 1 s so
 * that a 5 s timeout holds six transmissions, not four: at 10% loss each way four all fail once in
 * 770 transactions, six once in 21,000) until the transaction timeout; over TCP it is sent once. Whatever arrives that is not the awaited
 * response (Data indications, ChannelData) is queued for {@link #receive}.
 */
public final class StunClient implements Closeable {
    public static final long INITIAL_RTO_MS = 500;
    private static final long MAX_RTO_MS = 1000;
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramSocket udp;
    private final Socket tcp;
    private DtlsTransport dtls;
    private final DataInputStream tcpIn;
    private final InetSocketAddress server;
    private final long timeoutMs;
    private final Deque<Inbound> pending = new ArrayDeque<>();
    private final byte[] buffer = new byte[MAX_DATAGRAM];
    private long lastRttMicros = -1;
    private boolean lastRetransmitted;

    private StunClient(DatagramSocket udp, Socket tcp, InetSocketAddress server, long timeoutMs) throws IOException {
        this.udp = udp;
        this.tcp = tcp;
        this.tcpIn = tcp == null ? null : new DataInputStream(tcp.getInputStream());
        this.server = server;
        this.timeoutMs = timeoutMs;
    }

    /** Opens a UDP socket, or connects over TCP (an IOException means unreachable). */
    public static StunClient open(InetSocketAddress server, IceServerUri.Transport transport, long timeoutMs)
            throws IOException {
        if (transport == IceServerUri.Transport.TCP) {
            Socket s = new Socket();
            try {
                s.connect(server, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
                s.setTcpNoDelay(true);
                return new StunClient(null, s, server, timeoutMs);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(server.getAddress().isLoopbackAddress()
                ? server.getAddress() : null, 0));
        // Connected: only the server's datagrams are received, and an ICMP port unreachable
        // surfaces as PortUnreachableException ("nothing listens there") instead of a timeout.
        s.connect(server);
        return new StunClient(s, null, server, timeoutMs);
    }

    /**
     * A client over a stream that is already connected (a TLS socket whose handshake is done):
     * the transport is TCP framing; closing the client closes the socket.
     */
    public static StunClient over(Socket connected, InetSocketAddress server, long timeoutMs) throws IOException {
        return new StunClient(null, connected, server, timeoutMs);
    }

    /** A client inside DTLS (turns:...?transport=udp): retransmits as over UDP; closing it sends close_notify. */
    public static StunClient over(DtlsTransport dtls, InetSocketAddress server, long timeoutMs) throws IOException {
        StunClient c = new StunClient(null, null, server, timeoutMs);
        c.dtls = dtls;
        return c;
    }

    public InetSocketAddress server() {
        return server;
    }

    public boolean isTcp() {
        return tcp != null;
    }

    public InetSocketAddress localAddress() {
        if (dtls != null) {
            return dtls.localAddress();
        }
        return (InetSocketAddress) (udp != null ? udp.getLocalSocketAddress() : tcp.getLocalSocketAddress());
    }

    /**
     * Round-trip time of the last transaction in microseconds: from the first transmission to
     * the response's arrival. Ambiguous when {@link #lastRetransmitted()} (RFC 6298, Karn).
     */
    public long lastRttMicros() {
        return lastRttMicros;
    }

    /** True when the last transaction needed a retransmission (its RTT is then ambiguous, RFC 6298 Karn). */
    public boolean lastRetransmitted() {
        return lastRetransmitted;
    }

    public StunMessage transact(StunMessage request, Protection protection) throws IOException, StunDecodeException {
        byte[] bytes = encode(request, protection);
        TransactionId id = request.transactionId();
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        long rto = INITIAL_RTO_MS;
        long nextSend = start;
        long firstSent = start;
        int sends = 0;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new StunTimeoutException("no response to " + request.type() + " within " + timeoutMs + " ms"
                        + (sends > 1 ? " (" + sends + " transmissions)" : ""));
            }
            boolean datagrams = udp != null || dtls != null;
            if (sends == 0 || (datagrams && now - nextSend >= 0)) {
                if (sends == 0) {
                    firstSent = System.nanoTime();
                }
                send(bytes);
                sends++;
                nextSend = now + rto * 1_000_000;
                rto = Math.min(rto * 2, MAX_RTO_MS);
            }
            long waitUntil = datagrams ? Math.min(nextSend, deadline) : deadline;
            Inbound in = read(Math.max(1, (waitUntil - System.nanoTime()) / 1_000_000));
            if (in == null) {
                continue;
            }
            if (!in.isChannelData() && in.message().messageClass().isResponse()
                    && in.message().transactionId().equals(id)) {
                // From the first transmission to the arrival, before decoding: the network wait.
                lastRttMicros = (in.arrivedNanos() - firstSent) / 1000;
                lastRetransmitted = sends > 1;
                return in.message();
            }
            if (in.isChannelData() || !in.message().messageClass().isResponse()) {
                pending.add(in);
            }
        }
    }

    /** The next indication or ChannelData (queued first), or null after {@code timeoutMs}. */
    public Inbound receive(long timeoutMs) throws IOException {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            Inbound in = read(left);
            if (in != null && (in.isChannelData() || !in.message().messageClass().isResponse())) {
                return in;
            }
        }
    }

    public void send(StunMessage message, Protection protection) throws IOException {
        send(encode(message, protection));
    }

    public void sendChannelData(int channel, byte[] payload) throws IOException {
        int pad = tcp != null ? (4 - (payload.length & 3)) & 3 : 0;
        byte[] b = new byte[4 + payload.length + pad];
        b[0] = (byte) (channel >> 8);
        b[1] = (byte) channel;
        b[2] = (byte) (payload.length >> 8);
        b[3] = (byte) payload.length;
        System.arraycopy(payload, 0, b, 4, payload.length);
        send(b);
    }

    private void send(byte[] bytes) throws IOException {
        if (dtls != null) {
            dtls.send(bytes);
        } else if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    /** One message from the socket, or null on timeout; malformed input is skipped. */
    private Inbound read(long timeoutMs) throws IOException {
        try {
            byte[] frame;
            long arrived;
            if (dtls != null) {
                frame = dtls.receive(Math.max(1, timeoutMs));
                if (frame == null) {
                    return null;
                }
                arrived = System.nanoTime();
            } else if (udp != null) {
                udp.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                udp.receive(p);
                arrived = System.nanoTime();
                if (!p.getSocketAddress().equals(server)) {
                    return null; // not from our server
                }
                frame = Arrays.copyOf(buffer, p.getLength());
            } else {
                tcp.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
                frame = readFrame();
                arrived = System.nanoTime();
            }
            return parse(frame, arrived);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private byte[] readFrame() throws IOException {
        byte[] head = new byte[4];
        tcpIn.readFully(head);
        int length = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        boolean channelData = (head[0] & 0xC0) == 0x40;
        int rest = channelData ? (length + 3) & ~3 : StunCodec.HEADER_LENGTH - 4 + length;
        byte[] frame = Arrays.copyOf(head, 4 + rest);
        tcpIn.readFully(frame, 4, rest);
        return channelData ? Arrays.copyOf(frame, 4 + length) : frame;
    }

    private static Inbound parse(byte[] frame, long arrivedNanos) {
        if (frame.length >= 4 && ChannelData.isChannelNumber(((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF))) {
            int length = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
            if (length > frame.length - 4) {
                return null;
            }
            return new Inbound(null, ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF), Arrays.copyOfRange(frame, 4, 4 + length),
                    arrivedNanos);
        }
        try {
            return new Inbound(StunCodec.decode(frame), 0, null, arrivedNanos);
        } catch (StunDecodeException e) {
            return null;
        }
    }

    static byte[] encode(StunMessage message, Protection protection) {
        return StunCodec.toBytes(message, protection);
    }

    @Override
    public void close() throws IOException {
        if (dtls != null) {
            dtls.close();
        }
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}
