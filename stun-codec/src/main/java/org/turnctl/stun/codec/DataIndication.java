package org.turnctl.stun.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.turnctl.stun.AttributeType;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;

/**
 * Writes a Data indication (RFC 8656 section 11.3) around a payload without copying it: a small
 * header buffer (STUN header, XOR-PEER-ADDRESS, DATA's type and length), the payload, padding.
 * No integrity and no FINGERPRINT: an indication cannot be authenticated (RFC 8656 section 11.3).
 */
public final class DataIndication {
    private static final int DATA_INDICATION = MessageType.of(Method.DATA, MessageClass.INDICATION).toWire();

    private DataIndication() {
    }

    /**
     * The indication on the wire, with {@code payload} retained once inside it; the caller keeps
     * its own reference. The transaction id comes from {@link ThreadLocalRandom}: an indication
     * expects no answer and nothing is matched against its id, and SecureRandom per relayed packet
     * would cost more than the rest of the packet path.
     */
    public static ByteBuf wire(ByteBufAllocator alloc, InetSocketAddress peer, ByteBuf payload) {
        int length = payload.readableBytes();
        int pad = (4 - (length & 3)) & 3;
        byte[] addr = peer.getAddress().getAddress();
        int peerAttribute = 4 + 4 + addr.length;
        ByteBuf head = alloc.directBuffer(StunCodec.HEADER_LENGTH + peerAttribute + 4);
        head.writeShort(DATA_INDICATION);
        head.writeShort(peerAttribute + 4 + length + pad);
        head.writeInt(StunCodec.MAGIC_COOKIE);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        head.writeInt(rnd.nextInt()).writeInt(rnd.nextInt()).writeInt(rnd.nextInt());
        head.writeShort(AttributeType.XOR_PEER_ADDRESS).writeShort(4 + addr.length);
        head.writeByte(0).writeByte(addr.length == 4 ? 1 : 2);
        head.writeShort(peer.getPort() ^ (StunCodec.MAGIC_COOKIE >>> 16));
        // RFC 8489 section 14.2: the address is XORed with the cookie and then the transaction id,
        // which are header bytes 4..19, just written.
        for (int i = 0; i < addr.length; i++) {
            head.writeByte(addr[i] ^ head.getByte(4 + i));
        }
        head.writeShort(AttributeType.DATA).writeShort(length);
        return ChannelData.withPadding(alloc, head, payload, pad);
    }
}
