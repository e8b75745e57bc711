package org.turnctl.server.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The fuzz harness itself: a hand-written program reaches the data path both ways, as fuzzed ones must. */
class ServerFuzzHarnessTest {

    @Test
    void aHandWrittenProgramAllocatesAndRelaysBothWays() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        // Allocate from client 0: UDP, no EVEN-PORT, no LIFETIME, no flipped byte.
        p.writeBytes(new byte[] {1, 0, 0, 1, 1, 1, 1});
        // CreatePermission from client 0 for one peer, PEERS[0] (127.0.0.1), intact.
        p.writeBytes(new byte[] {1, 0, 2, 0, 0, 1});
        // Send indication from client 0 to PEERS[0] with 3 bytes (a length byte under 224 is the length).
        p.writeBytes(new byte[] {3, 0, 0, 3, 'a', 'b', 'c'});
        // A datagram from PEERS[0] into the one relay (no index byte for a choice of one): 2 bytes.
        p.writeBytes(new byte[] {5, 2, 'x', 'y', 0});
        ServerFuzzHarness.Reach reach = ServerFuzzHarness.run(p.toByteArray());
        assertEquals(1, reach.allocations(), reach.toString());
        assertEquals(1, reach.toPeers(), reach.toString());
        assertEquals(1, reach.toClients(), reach.toString());
    }
}
