package org.turnctl.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.function.Function;
import org.turnctl.stun.attr.*;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Demux;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * The property the mutation test and the fuzz test check on arbitrary bytes: decoding either
 * raises {@link StunDecodeException} or yields a message on which every attribute reader and
 * every verifier works, and which survives decode(encode(m)) unchanged. Anything else (an
 * unchecked exception, a mismatch) is thrown as an AssertionError or the exception itself.
 */
final class DecodeProperty {

    /** What happened to one input. */
    enum Outcome { DECODED, REJECTED, CHANNEL_DATA, CHANNEL_DATA_REJECTED }

    private static final byte[] KEY = Integrity.longTermKeyMd5("user", "realm", "pass");

    /** Every attribute reader the codec has. */
    static final List<Function<StunMessage, ?>> READERS = List.of(
            MappedAddress::from, XorMappedAddress::from, AlternateServer::from, XorPeerAddress::allFrom,
            XorRelayedAddress::allFrom, ResponseOrigin::from, OtherAddress::from, ChangedAddress::from,
            SourceAddress::from, ReflectedFrom::from, ResponseAddress::from, Username::from, Realm::from,
            Nonce::from, Software::from, AlternateDomain::from, MessageIntegrity::from, MessageIntegritySha256::from,
            Userhash::from, org.turnctl.stun.attr.Fingerprint::from, ErrorCode::from, UnknownAttributes::from,
            PasswordAlgorithms::from, PasswordAlgorithm::from, ChannelNumber::from, Lifetime::from, Data::from,
            RequestedAddressFamily::from, EvenPort::from, RequestedTransport::from, DontFragment::from,
            ReservationToken::from, AdditionalAddressFamily::from, AddressErrorCode::from, Icmp::from,
            ChangeRequest::from, Padding::from, ResponsePort::from, ConnectionId::from, Priority::from,
            UseCandidate::from, IceControlled::from, IceControlling::from,
            StunMessage::unknownComprehensionRequired, StunMessage::toString);

    private DecodeProperty() {
    }

    static Outcome check(byte[] input) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, input.length));
        try {
            buf.writeBytes(input);
            if (Demux.classify(buf) == Demux.Kind.CHANNEL_DATA) {
                return checkChannelData(buf);
            }
            StunMessage msg;
            try {
                msg = StunCodec.decode(buf);
            } catch (StunDecodeException e) {
                if (e.getMessage() == null || e.getMessage().isEmpty()) {
                    throw new AssertionError("decode error without a reason");
                }
                return Outcome.REJECTED;
            }
            for (Function<StunMessage, ?> reader : READERS) {
                reader.apply(msg);
            }
            Integrity.verify(msg, KEY);
            Integrity.verifySha256(msg, KEY);
            Fingerprint.verify(msg);
            ByteBuf again = PooledByteBufAllocator.DEFAULT.heapBuffer();
            try {
                StunCodec.encode(msg, Protection.NONE, again);
                StunMessage back;
                try {
                    back = StunCodec.decode(again);
                } catch (StunDecodeException e) {
                    throw new AssertionError("re-encoded message does not decode: " + e.getMessage() + " for " + msg, e);
                }
                if (!back.equals(msg)) {
                    throw new AssertionError("decode(encode(m)) != m\n  m    = " + msg + "\n  back = " + back);
                }
            } finally {
                again.release();
            }
            return Outcome.DECODED;
        } finally {
            buf.release();
        }
    }

    private static Outcome checkChannelData(ByteBuf buf) {
        ChannelData cd;
        try {
            cd = ChannelData.decode(buf);
        } catch (StunDecodeException e) {
            return Outcome.CHANNEL_DATA_REJECTED;
        }
        try {
            int length = buf.getUnsignedShort(buf.readerIndex() + 2);
            if (cd.content().readableBytes() != length) {
                throw new AssertionError("payload length " + cd.content().readableBytes() + " != " + length);
            }
            return Outcome.CHANNEL_DATA;
        } finally {
            cd.release();
        }
    }
}
