package org.turnctl.stun.attr;

import org.turnctl.stun.AttributeType;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.UnknownAttribute;

/** Decodes an attribute value into its record; unknown types are kept raw. */
public final class Attributes {

    private Attributes() {
    }

    /** True when this codec has a record for the type (so it is "understood" for RFC 8489 420). */
    public static boolean isKnown(int type) {
        return AttributeType.isKnown(type);
    }

    /**
     * Decodes one attribute value. Every check is explicit, and a record's own validation
     * failing is mapped to a decode error too, so nothing unchecked escapes.
     */
    public static StunAttribute read(AttributeValue v) throws StunDecodeException {
        try {
            return switch (v.type()) {
                case AttributeType.MAPPED_ADDRESS -> MappedAddress.read(v);
                case AttributeType.USERNAME -> Username.read(v);
                case AttributeType.MESSAGE_INTEGRITY -> MessageIntegrity.read(v);
                case AttributeType.ERROR_CODE -> ErrorCode.read(v);
                case AttributeType.UNKNOWN_ATTRIBUTES -> UnknownAttributes.read(v);
                case AttributeType.REALM -> Realm.read(v);
                case AttributeType.NONCE -> Nonce.read(v);
                case AttributeType.MESSAGE_INTEGRITY_SHA256 -> MessageIntegritySha256.read(v);
                case AttributeType.PASSWORD_ALGORITHM -> PasswordAlgorithm.read(v);
                case AttributeType.USERHASH -> Userhash.read(v);
                case AttributeType.XOR_MAPPED_ADDRESS -> XorMappedAddress.read(v);
                case AttributeType.PASSWORD_ALGORITHMS -> PasswordAlgorithms.read(v);
                case AttributeType.ALTERNATE_DOMAIN -> AlternateDomain.read(v);
                case AttributeType.SOFTWARE -> Software.read(v);
                case AttributeType.ALTERNATE_SERVER -> AlternateServer.read(v);
                case AttributeType.FINGERPRINT -> Fingerprint.read(v);
                case AttributeType.CHANNEL_NUMBER -> ChannelNumber.read(v);
                case AttributeType.LIFETIME -> Lifetime.read(v);
                case AttributeType.XOR_PEER_ADDRESS -> XorPeerAddress.read(v);
                case AttributeType.DATA -> Data.read(v);
                case AttributeType.XOR_RELAYED_ADDRESS -> XorRelayedAddress.read(v);
                case AttributeType.REQUESTED_ADDRESS_FAMILY -> RequestedAddressFamily.read(v);
                case AttributeType.EVEN_PORT -> EvenPort.read(v);
                case AttributeType.REQUESTED_TRANSPORT -> RequestedTransport.read(v);
                case AttributeType.DONT_FRAGMENT -> DontFragment.read(v);
                case AttributeType.RESERVATION_TOKEN -> ReservationToken.read(v);
                case AttributeType.ADDITIONAL_ADDRESS_FAMILY, AttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT -> AdditionalAddressFamily.read(v);
                case AttributeType.ADDRESS_ERROR_CODE -> AddressErrorCode.read(v);
                case AttributeType.ICMP -> Icmp.read(v);
                case AttributeType.CHANGE_REQUEST -> ChangeRequest.read(v);
                case AttributeType.PADDING -> Padding.read(v);
                case AttributeType.RESPONSE_PORT -> ResponsePort.read(v);
                case AttributeType.RESPONSE_ORIGIN -> ResponseOrigin.read(v);
                case AttributeType.OTHER_ADDRESS -> OtherAddress.read(v);
                case AttributeType.CONNECTION_ID -> ConnectionId.read(v);
                case AttributeType.RESPONSE_ADDRESS -> ResponseAddress.read(v);
                case AttributeType.SOURCE_ADDRESS -> SourceAddress.read(v);
                case AttributeType.CHANGED_ADDRESS -> ChangedAddress.read(v);
                case AttributeType.REFLECTED_FROM -> ReflectedFrom.read(v);
                case AttributeType.PRIORITY -> Priority.read(v);
                case AttributeType.USE_CANDIDATE -> UseCandidate.read(v);
                case AttributeType.ICE_CONTROLLED -> IceControlled.read(v);
                case AttributeType.ICE_CONTROLLING -> IceControlling.read(v);
                default -> new UnknownAttribute(v.type(), v.octets());
            };
        } catch (IllegalArgumentException e) {
            throw v.error(e.getMessage());
        }
    }
}
