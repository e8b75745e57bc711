package org.turnctl.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.turnctl.probe.nat.UdpEndpoint;

/**
 * A userland UDP NAT for tests, with configurable mapping and filtering (RFC 4787 terms). The
 * inside is one in-process endpoint; the outside is real UDP sockets on a loopback "public"
 * address, one per mapping, so the server under test sees real NAT-like traffic. Filtering is
 * applied to real datagrams arriving at the outside sockets. No root, no other address.
 */
final class UserlandNat implements UdpEndpoint {

    enum Mapping { ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    enum Filtering { ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    private final InetAddress publicIp;
    private final Mapping mapping;
    private final Filtering filtering;
    private final boolean hairpinning;
    private final DatagramSocket insidePlaceholder;
    private final Map<Object, Outside> mappings = new HashMap<>();
    private final LinkedBlockingQueue<Datagram> inbound = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /** One outside port, with what it has sent to (for filtering). */
    private final class Outside {
        final DatagramSocket socket;
        final Set<InetAddress> sentToIps = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<InetSocketAddress> sentTo = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Outside() throws SocketException {
            socket = new DatagramSocket(0, publicIp);
            socket.setSoTimeout(200);
            Thread t = new Thread(this::pump, "userland-nat-" + socket.getLocalPort());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }

        void pump() {
            byte[] buf = new byte[65535];
            while (!closed) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    return;
                }
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                boolean allowed = switch (filtering) {
                    case ENDPOINT_INDEPENDENT -> true;
                    case ADDRESS_DEPENDENT -> sentToIps.contains(from.getAddress());
                    case ADDRESS_AND_PORT_DEPENDENT -> sentTo.contains(from);
                };
                if (allowed) {
                    inbound.add(new Datagram(Arrays.copyOf(buf, p.getLength()), from));
                }
            }
        }
    }

    UserlandNat(InetAddress publicIp, Mapping mapping, Filtering filtering) throws SocketException {
        this(publicIp, mapping, filtering, false);
    }

    /**
     * With {@code hairpinning}, a datagram to one of this NAT's own public addresses is looped back
     * through that mapping (RFC 4787 section 6), its source the sender's public address and port,
     * and filtered as any inbound datagram; without it, it is dropped.
     */
    UserlandNat(InetAddress publicIp, Mapping mapping, Filtering filtering, boolean hairpinning) throws SocketException {
        this.hairpinning = hairpinning;
        this.publicIp = publicIp;
        this.mapping = mapping;
        this.filtering = filtering;
        // The inside address the client thinks it has: a real (idle) port on loopback.
        this.insidePlaceholder = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @Override
    public synchronized void send(byte[] data, InetSocketAddress to) throws IOException {
        Object key = switch (mapping) {
            case ENDPOINT_INDEPENDENT -> "one";
            case ADDRESS_DEPENDENT -> to.getAddress();
            case ADDRESS_AND_PORT_DEPENDENT -> to;
        };
        Outside out = mappings.get(key);
        if (out == null) {
            out = new Outside();
            mappings.put(key, out);
        }
        if (to.getAddress().equals(publicIp) && !hairpinning) {
            return; // no hairpinning: a datagram to our own public address is dropped
        }
        out.sentToIps.add(to.getAddress());
        out.sentTo.add(to);
        // Hairpinning needs nothing more: the outside sockets are real, so a datagram to our own
        // public address arrives at that mapping's socket from the sender's, and is filtered there.
        out.socket.send(new DatagramPacket(data, data.length, to));
    }

    @Override
    public Datagram receive(long timeoutMs) throws IOException {
        try {
            return inbound.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) insidePlaceholder.getLocalSocketAddress();
    }

    @Override
    public UdpEndpoint another() throws IOException {
        return new UserlandNat(publicIp, mapping, filtering, hairpinning);
    }

    int outsidePorts() {
        return mappings.size();
    }

    @Override
    public void close() {
        closed = true;
        for (Outside o : mappings.values()) {
            o.socket.close();
        }
        insidePlaceholder.close();
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
