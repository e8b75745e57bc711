package org.turnctl.probe.acl;

import java.util.List;

/**
 * What the {@code acl} check found: {@code targets[].acl} in the JSON report.
 *
 * @param tested     how many (address, allocation) questions the relay answered
 * @param allowed    the special-purpose addresses the relay would let this client reach
 * @param unanswered questions that got no answer within the timeout (not findings)
 * @param notes      what could not be asked, in words (for example no IPv6 relay address)
 */
public record AclReport(int tested, List<Finding> allowed, int unanswered, List<String> notes) {

    /**
     * One address the relay allowed.
     *
     * @param address the address asked for, as it was spelled on the wire
     * @param range   its registry block (and spelling)
     * @param risk    why it matters
     * @param method  CreatePermission or ChannelBind: which request the relay granted
     * @param relay   the family of the allocation that asked (IPv4 or IPv6)
     */
    public record Finding(String address, String range, String risk, String method, String relay) {
    }

    public AclReport {
        allowed = List.copyOf(allowed);
        notes = List.copyOf(notes);
    }
}
