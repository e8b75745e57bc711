package org.turnctl.probe.nat;

/**
 * RFC 5780 behaviour and its classic (RFC 3489) name.
 *
 * @param mapping     no-nat, endpoint-independent, address-dependent, address-and-port-dependent, unknown
 * @param filtering   endpoint-independent, address-dependent, address-and-port-dependent, unknown
 * @param classic     open-internet, full-cone, restricted-cone, port-restricted-cone, symmetric,
 *                    symmetric-udp-firewall, udp-blocked, unknown
 * @param hairpinning true, false, or null when it was not tested
 * @param hairpinningNote why it was not tested (null when it was): said precisely, never just "untested"
 */
public record NatReport(String mapping, String filtering, String classic, String publicAddress, Boolean hairpinning,
        String hairpinningNote) {

    static final String NO_NAT = "not applicable: no NAT between the probe and the server (its reflexive address is "
            + "its own), so there is nothing to hairpin";
    public static final String UDP_BLOCKED = "not tested: no answer over UDP, so there is no mapping to hairpin through";
    static final String NO_MAPPED = "not tested: the server's Binding answer had no XOR-MAPPED-ADDRESS to send to";

    /** A report whose hairpinning was tested. */
    public NatReport(String mapping, String filtering, String classic, String publicAddress, boolean hairpinning) {
        this(mapping, filtering, classic, publicAddress, hairpinning, null);
    }

    /** "true", "false", or why it was not tested. */
    public String hairpinningText() {
        return hairpinning != null ? hairpinning.toString() : hairpinningNote;
    }
}
