package org.turnctl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.turnctl.probe.client.IceServerUri;

class IceServerUriTest {

    @Test
    void parsesWhatWebRtcAppsWrite() {
        IceServerUri u = IceServerUri.parse("turn:relay.example.com:3478?transport=udp");
        assertEquals("turn", u.scheme());
        assertEquals("relay.example.com", u.host());
        assertEquals(3478, u.port());
        assertEquals(IceServerUri.Transport.UDP, u.transport());
        assertTrue(u.isTurn());

        IceServerUri tcp = IceServerUri.parse("turn:10.0.0.1?transport=tcp");
        assertEquals(3478, tcp.port());
        assertEquals(IceServerUri.Transport.TCP, tcp.transport());

        IceServerUri stun = IceServerUri.parse("stun:stun.example.org");
        assertFalse(stun.isTurn());
        assertEquals(IceServerUri.Transport.UDP, stun.transport());

        IceServerUri v6 = IceServerUri.parse("turn:[2001:db8::1]:5000");
        assertEquals("2001:db8::1", v6.host());
        assertEquals(5000, v6.port());

        IceServerUri turns = IceServerUri.parse("turns:relay.example.com");
        assertTrue(turns.isSecure());
        assertEquals(5349, turns.port());
        assertEquals(IceServerUri.Transport.TCP, turns.transport());
        assertEquals(IceServerUri.Transport.UDP, IceServerUri.parse("TURN:h?TRANSPORT=UDP").transport());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relay.example.com", "http://x", "turn://host:3478", "turn:host:0", "turn:host:65536",
        "turn:host:x", "turn:host?transport=sctp", "turn:host?foo=bar", "stun:host?transport=udp", "turn:", "turn:[::1",
        "turn:::1:3478", "turn:ho st", "turn:host:3478:1"})
    void rejectsMalformedUris(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IceServerUri.parse(bad));
        assertFalse(e.getMessage().isBlank());
    }
}
