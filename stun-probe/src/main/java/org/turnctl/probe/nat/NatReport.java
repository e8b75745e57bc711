package org.turnctl.probe.nat;

/**
 * RFC 5780 behaviour and its classic (RFC 3489) name.
 *
 * @param mapping     no-nat, endpoint-independent, address-dependent, address-and-port-dependent, unknown
 * @param filtering   endpoint-independent, address-dependent, address-and-port-dependent, unknown
 * @param classic     open-internet, full-cone, restricted-cone, port-restricted-cone, symmetric,
 *                    symmetric-udp-firewall, udp-blocked, unknown
 * @param hairpinning true, false, or null when it could not be tested
 */
public record NatReport(String mapping, String filtering, String classic, String publicAddress, Boolean hairpinning) {
}
