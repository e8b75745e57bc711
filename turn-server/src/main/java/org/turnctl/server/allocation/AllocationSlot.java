package org.turnctl.server.allocation;

/** The allocation of the request's 5-tuple, if any: a map entry for UDP, a field for TCP. */
public interface AllocationSlot {
    Allocation get();

    void set(Allocation allocation);

    /** Forgets the allocation if it is still the one in the slot. */
    void clear(Allocation allocation);
}
