package org.turnctl.stun.attr;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.turnctl.stun.TransactionId;

/** Address family codes used by the address attributes and REQUESTED-ADDRESS-FAMILY. */
public final class AddressFamily {
    public static final int IPV4 = 0x01;
    public static final int IPV6 = 0x02;

    private AddressFamily() {
    }

    public static int of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    public static boolean isValid(int family) {
        return family == IPV4 || family == IPV6;
    }

    static InetSocketAddress checkAddress(InetSocketAddress address) {
        if (address == null || address.isUnresolved()) {
            throw new IllegalArgumentException("an address attribute needs a resolved address: " + address);
        }
        return address;
    }

    /** Writes an address value, XOR-ed with the cookie and transaction id when {@code xor}. */
    static void write(ByteBuf out, InetSocketAddress address, boolean xor, TransactionId tid) {
        byte[] addr = address.getAddress().getAddress();
        int port = address.getPort();
        if (xor) {
            port ^= (tid.xorKeyByte(0) << 8) | tid.xorKeyByte(1);
        }
        out.writeByte(0);
        out.writeByte(addr.length == 4 ? IPV4 : IPV6);
        out.writeShort(port);
        for (int i = 0; i < addr.length; i++) {
            out.writeByte(xor ? addr[i] ^ tid.xorKeyByte(i) : addr[i]);
        }
    }
}
