package org.turnctl.server.inbound;

import java.util.function.BooleanSupplier;
import org.turnctl.server.allocation.Allocation;
import org.turnctl.server.allocation.AllocationSlot;

/**
 * The one allocation of a connection: a TCP or TLS connection, or a DTLS session. It lives as long
 * as the connection (RFC 8656 section 3.1): one that arrives after the connection has gone (its
 * relay socket was still binding) is deleted at once.
 */
final class ConnectionSlot implements AllocationSlot {
    private final BooleanSupplier gone;
    private Allocation allocation;

    ConnectionSlot(BooleanSupplier gone) {
        this.gone = gone;
    }

    @Override
    public Allocation get() {
        return allocation;
    }

    @Override
    public void set(Allocation a) {
        allocation = a;
        if (gone.getAsBoolean()) {
            a.delete("connection-closed");
        }
    }

    @Override
    public void clear(Allocation a) {
        if (allocation == a) {
            allocation = null;
        }
    }
}
