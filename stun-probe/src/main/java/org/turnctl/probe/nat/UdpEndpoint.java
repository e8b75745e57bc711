package org.turnctl.probe.nat;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * One local UDP port that sends to several destinations and receives from anyone: what NAT
 * behaviour discovery needs. A plain socket in production; tests put a userland NAT behind it.
 */
public interface UdpEndpoint extends Closeable {

    /** A received datagram and its source. */
    record Datagram(byte[] data, InetSocketAddress from) {
    }

    void send(byte[] data, InetSocketAddress to) throws IOException;

    /** The next datagram, or null after {@code timeoutMs}. */
    Datagram receive(long timeoutMs) throws IOException;

    InetSocketAddress localAddress();

    /**
     * Another local port like this one. The filtering tests need a mapping that has talked to the
     * primary address only: the mapping tests' traffic to the alternate address would otherwise
     * open an address-dependent filter and make it look endpoint-independent.
     */
    UdpEndpoint another() throws IOException;

    /** A plain, unconnected UDP socket. */
    static UdpEndpoint socket(InetSocketAddress bind) throws IOException {
        DatagramSocket s = new DatagramSocket(bind);
        return new UdpEndpoint() {
            private final byte[] buffer = new byte[65535];

            @Override
            public void send(byte[] data, InetSocketAddress to) throws IOException {
                s.send(new DatagramPacket(data, data.length, to));
            }

            @Override
            public Datagram receive(long timeoutMs) throws IOException {
                s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                return new Datagram(Arrays.copyOf(buffer, p.getLength()), (InetSocketAddress) p.getSocketAddress());
            }

            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) s.getLocalSocketAddress();
            }

            @Override
            public UdpEndpoint another() throws IOException {
                return socket(bind);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}
