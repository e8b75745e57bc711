package org.turnctl.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void knownTypeValues() {
        // RFC 8489 section 5 and RFC 8656 section 17 give these values.
        assertEquals(0x0001, MessageType.BINDING_REQUEST.toWire());
        assertEquals(0x0101, MessageType.BINDING_SUCCESS.toWire());
        assertEquals(0x0111, new MessageType(Method.BINDING, MessageClass.ERROR_RESPONSE).toWire());
        assertEquals(0x0011, new MessageType(Method.BINDING, MessageClass.INDICATION).toWire());
        assertEquals(0x0003, new MessageType(Method.ALLOCATE, MessageClass.REQUEST).toWire());
        assertEquals(0x0113, new MessageType(Method.ALLOCATE, MessageClass.ERROR_RESPONSE).toWire());
        assertEquals(0x0016, new MessageType(Method.SEND, MessageClass.INDICATION).toWire());
        assertEquals(0x0017, new MessageType(Method.DATA, MessageClass.INDICATION).toWire());
        assertEquals(0x0109, new MessageType(Method.CHANNEL_BIND, MessageClass.SUCCESS_RESPONSE).toWire());
        assertEquals(0x3EEF, new MessageType(new Method(0xFFF), MessageClass.REQUEST).toWire());
        assertEquals(0x3FFF, new MessageType(new Method(0xFFF), MessageClass.ERROR_RESPONSE).toWire());
    }

    @Test
    void everyTypeRoundTrips() {
        for (int wire = 0; wire < 0x4000; wire++) {
            MessageType t = MessageType.fromWire(wire);
            assertEquals(wire, t.toWire(), Integer.toHexString(wire));
        }
    }

    @Test
    void knownMethodsAreShared() {
        assertEquals(Method.ALLOCATE, Method.of(3));
        assertEquals("CreatePermission", Method.of(8).name());
        assertEquals("Method(0x123)", Method.of(0x123).name());
    }
}
