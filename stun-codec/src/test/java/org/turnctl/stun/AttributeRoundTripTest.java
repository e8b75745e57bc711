package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.turnctl.stun.attr.*;
import org.turnctl.stun.codec.Fingerprint;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/** Every attribute the codec knows, encoded and decoded back; addresses in IPv4 and IPv6. */
class AttributeRoundTripTest {

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static final InetSocketAddress V4 = addr("203.0.113.7", 49152);
    static final InetSocketAddress V6 = addr("2001:db8::1:2", 65535);

    static Stream<Arguments> addressAttributes() {
        List<Function<InetSocketAddress, StunAttribute>> kinds = List.of(
                MappedAddress::new, XorMappedAddress::new, AlternateServer::new, XorPeerAddress::new,
                XorRelayedAddress::new, ResponseOrigin::new, OtherAddress::new, ChangedAddress::new,
                SourceAddress::new, ReflectedFrom::new, ResponseAddress::new);
        List<Arguments> args = new ArrayList<>();
        for (var kind : kinds) {
            for (InetSocketAddress a : List.of(V4, V6, addr("0.0.0.0", 0), addr("::", 1))) {
                StunAttribute attr = kind.apply(a);
                args.add(Arguments.of(attr.getClass().getSimpleName() + " " + a, attr));
            }
        }
        return args.stream();
    }

    static Stream<Arguments> otherAttributes() {
        List<StunAttribute> all = List.of(
                new Username("alice"), new Username("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"), new Username(""),
                new Realm("example.org"), new Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"),
                new Software("turnctl 0.1"), new AlternateDomain("turn.example.org"),
                MessageIntegrity.of(new byte[20]), MessageIntegritySha256.of(new byte[32]),
                MessageIntegritySha256.of(new byte[16]), Userhash.of(new byte[32]),
                new org.turnctl.stun.attr.Fingerprint(0xFFFF_FFFFL),
                new ErrorCode(438, "Stale Nonce"), ErrorCode.of(300), new ErrorCode(699, "x"),
                new UnknownAttributes(List.of(0x0031, 0x7FFF)), new UnknownAttributes(List.of(0x1234)),
                new PasswordAlgorithms(List.of(PasswordAlgorithm.of(PasswordAlgorithm.MD5),
                        PasswordAlgorithm.of(PasswordAlgorithm.SHA256),
                        new PasswordAlgorithm(0x7777, Octets.of(new byte[] {1, 2, 3})))),
                PasswordAlgorithm.of(PasswordAlgorithm.SHA256), new PasswordAlgorithm(9, Octets.of(new byte[] {5})),
                new ChannelNumber(0x4000), new ChannelNumber(0x7FFF), new Lifetime(0), new Lifetime(0xFFFF_FFFFL),
                Data.of(new byte[] {1, 2, 3, 4, 5}), Data.of(new byte[0]),
                new RequestedAddressFamily(AddressFamily.IPV4), new RequestedAddressFamily(AddressFamily.IPV6),
                new EvenPort(true), new EvenPort(false),
                new RequestedTransport(RequestedTransport.UDP), DontFragment.INSTANCE,
                new ReservationToken(0x0102030405060708L), new ReservationToken(-1L),
                new AdditionalAddressFamily(AddressFamily.IPV6),
                new AddressErrorCode(AddressFamily.IPV6, 440, "Address Family not Supported"),
                new Icmp(3, 4, 1400), new Icmp(0x7F, 0x1FF, 0xFFFF_FFFFL),
                new ChangeRequest(true, true), new ChangeRequest(false, true), new ChangeRequest(true, false),
                new ChangeRequest(false, false),
                Padding.of(new byte[7]), new ResponsePort(3478), new ConnectionId(0xDEADBEEFL),
                new Priority(0x6e0001ffL), UseCandidate.INSTANCE,
                new IceControlled(0x932ff9b151263b36L), new IceControlling(Long.MIN_VALUE),
                new UnknownAttribute(0x7ABC, Octets.of(new byte[] {9, 8, 7})),
                new UnknownAttribute(0xC001, Octets.EMPTY));
        return all.stream().map(a -> Arguments.of(a.toString(), a));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"addressAttributes", "otherAttributes"})
    void roundTrips(String name, StunAttribute attribute) throws Exception {
        for (TransactionId tid : List.of(TransactionId.random(), TransactionId.of(new byte[16]))) {
            MessageType type = tid.isLegacy() ? MessageType.BINDING_REQUEST
                    : new MessageType(Method.ALLOCATE, MessageClass.SUCCESS_RESPONSE);
            StunMessage msg = StunMessage.builder(type, tid).add(attribute).build();
            StunMessage back = decode(msg);
            assertEquals(msg, back);
            assertEquals(1, back.attributes().size());
            assertEquals(attribute, back.attributes().get(0));
            assertEquals(attribute.type(), back.attributes().get(0).type());
        }
    }

    @Test
    void ipv4MappedPeerAddressKeepsItsFamily() throws Exception {
        // The JDK turns ::ffff:a.b.c.d into an Inet4Address; the codec must not, or the peer
        // policy would see a different address than the one on the wire.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 1;
        InetSocketAddress peer = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 5000);
        StunMessage msg = StunMessage.builder(new MessageType(Method.CREATE_PERMISSION, MessageClass.REQUEST),
                TransactionId.random()).add(new XorPeerAddress(peer)).build();
        InetSocketAddress back = XorPeerAddress.from(decode(msg)).orElseThrow().address();
        assertInstanceOf(Inet6Address.class, back.getAddress());
        assertEquals(peer, back);
    }

    @Test
    void repeatableAttributesKeepOrder() throws Exception {
        StunMessage msg = StunMessage.builder(new MessageType(Method.CREATE_PERMISSION, MessageClass.REQUEST),
                        TransactionId.random())
                .add(new XorPeerAddress(V4)).add(new XorPeerAddress(V6)).add(new XorPeerAddress(V4))
                .build();
        StunMessage back = decode(msg);
        assertEquals(List.of(new XorPeerAddress(V4), new XorPeerAddress(V6), new XorPeerAddress(V4)),
                XorPeerAddress.allFrom(back));
        assertEquals(new XorPeerAddress(V4), XorPeerAddress.from(back).orElseThrow());
        assertTrue(XorRelayedAddress.allFrom(back).isEmpty());
    }

    @Test
    void unknownComprehensionRequiredAttributesAreReportable() throws Exception {
        StunMessage msg = StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.REQUEST), TransactionId.random())
                .add(new UnknownAttribute(0x7ABC, Octets.EMPTY))
                .add(new UnknownAttribute(0xC001, Octets.EMPTY)) // comprehension-optional: not reported
                .add(new UnknownAttribute(0x7ABC, Octets.EMPTY)) // reported once
                .add(new UnknownAttribute(0x0031, Octets.EMPTY))
                .build();
        assertEquals(List.of(0x7ABC, 0x0031), decode(msg).unknownComprehensionRequired());
        assertTrue(decode(StunMessage.builder(MessageType.BINDING_REQUEST, TransactionId.random()).build())
                .unknownComprehensionRequired().isEmpty());
        assertFalse(Attributes.isKnown(0x7ABC));
        for (int t = 0; t <= 0xFFFF; t++) {
            // The known-type table and the names agree: every known type has a name, no other does.
            assertEquals(!AttributeType.name(t).startsWith("0x"), AttributeType.isKnown(t), Integer.toHexString(t));
        }
        assertTrue(Attributes.isKnown(AttributeType.ICMP));
    }

    static StunMessage decode(StunMessage msg) throws StunDecodeException {
        ByteBuf buf = Unpooled.buffer();
        try {
            StunCodec.encode(msg, Protection.NONE, buf);
            return StunCodec.decode(buf);
        } finally {
            buf.release();
        }
    }
}
