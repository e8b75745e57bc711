package org.turnctl.server.admin;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.turnctl.server.allocation.AllocationView;

/** What the admin endpoints act on: the running server, and the process's drain. */
public interface AdminApi {

    List<AllocationView> allocations();

    /** Ends the allocations picked; returns how many. */
    int end(Predicate<AllocationView> which);

    /** Starts a drain (as SIGTERM with --drain-timeout would); false when one already runs. */
    boolean drain();

    /** draining, allocations, uptime, version, settings summary (secrets masked), for GET /admin/status. */
    Map<String, Object> status();
}
