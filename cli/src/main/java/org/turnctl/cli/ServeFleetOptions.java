package org.turnctl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.config.RelayLimits;
import org.turnctl.server.config.Shedding;
import picocli.CommandLine.Option;

/**
 * The options of `turnctl serve` for running it in a fleet: what one relay may carry (bandwidth,
 * allocations per IP), where it sends new clients when it takes no more (drain, alternates,
 * --max-allocations), and the admin API's token.
 */
final class ServeFleetOptions {
    @Option(names = "--max-bps", defaultValue = "0", paramLabel = "BYTES",
            description = "Bytes a second each allocation may relay in each direction, as coturn's max-bps (bursts of one "
                    + "second's worth). Datagrams over it are dropped (turn_dropped_packets_total{reason=\"bandwidth\"}); a TCP "
                    + "or TLS client is paused instead. 0 (default): no limit. Reloadable.")
    long maxBps;

    @Option(names = "--bps-capacity", defaultValue = "0", paramLabel = "BYTES",
            description = "Bytes a second the whole server relays (the busier direction, measured each second) past which "
                    + "new Allocates get 486. 0 (default): no limit. Reloadable.")
    long bpsCapacity;

    @Option(names = "--drain-timeout", defaultValue = "0s", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "On SIGTERM, drain first: /readyz answers 503, new Allocates go to an --alternate-server (300) or get "
                    + "508, the allocations there are go on; exit when the last one ends or after DURATION. 0 (default): "
                    + "exit at once. SIGINT always exits at once.")
    Duration drainTimeout;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Turns the admin API on, on the metrics listener (/admin/allocations, /admin/drain, /admin/status): "
                    + "every request needs Authorization: Bearer <the file's first line>. Off by default.")
    Path adminTokenFile;

    @Option(names = "--alternate-server", paramLabel = "HOST:PORT", converter = Converters.AlternateConverter.class,
            description = "Where new clients are sent (300 Try Alternate, RFC 8489 section 10) while draining or past "
                    + "--max-allocations, round robin, the client's address family first (repeatable). A name is resolved at "
                    + "start and also sent to TLS clients as ALTERNATE-DOMAIN.")
    List<Shedding.Alternate> alternateServers = new ArrayList<>();

    @Option(names = "--max-allocations", defaultValue = "0", paramLabel = "N",
            description = "Active allocations past which new Allocates are sent to an --alternate-server (508 without one). "
                    + "0 (default): no limit. Reloadable.")
    int maxAllocations;

    @Option(names = "--max-allocations-per-ip", defaultValue = "0", paramLabel = "N",
            description = "Allocations one client IP may hold; past it, 486. 0 (default): no limit (a NAT may hide many users). "
                    + "Reloadable.")
    int maxAllocationsPerIp;

    Shedding shedding() throws ServeCommand.ConfigException {
        try {
            return new Shedding(alternateServers, maxAllocations);
        } catch (IllegalArgumentException e) {
            throw new ServeCommand.ConfigException(e.getMessage());
        }
    }

    RelayLimits limits() throws ServeCommand.ConfigException {
        try {
            return new RelayLimits(maxBps, bpsCapacity, maxAllocationsPerIp);
        } catch (IllegalArgumentException e) {
            throw new ServeCommand.ConfigException(e.getMessage());
        }
    }

    /** The admin token: the file's first secret line, at least 16 characters; null with the admin API off. */
    String adminToken() throws ServeCommand.ConfigException {
        if (adminTokenFile == null) {
            return null;
        }
        String token;
        try {
            token = SecretFile.first(adminTokenFile);
        } catch (IOException e) {
            throw new ServeCommand.ConfigException("--admin-token-file " + adminTokenFile + ": cannot read (" + ServeCommand.why(e) + ")");
        }
        if (token == null || token.length() < 16) {
            throw new ServeCommand.ConfigException("--admin-token-file " + adminTokenFile + ": the token needs 16 characters or more");
        }
        return token;
    }
}
