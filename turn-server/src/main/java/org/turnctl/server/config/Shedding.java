package org.turnctl.server.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where new clients go when this server takes no more (RFC 8489 section 10, 300 Try Alternate):
 * while it drains, and past {@code --max-allocations}.
 *
 * @param alternates     {@code --alternate-server HOST:PORT} entries, round robin, the client's family first
 * @param maxAllocations {@code --max-allocations}: active allocations past which new Allocates are sent on; 0 for no limit
 */
public record Shedding(List<Alternate> alternates, int maxAllocations) {
    public static final Shedding NONE = new Shedding(List.of(), 0);

    /**
     * One alternate server.
     *
     * @param host    as given (a name is sent to TLS clients as ALTERNATE-DOMAIN, for their certificate check)
     * @param address resolved once, at start or reload
     */
    public record Alternate(String host, InetSocketAddress address) {
        /** True when the host was given as a name, not an address literal. */
        public boolean named() {
            return !host.equals(address.getAddress().getHostAddress()) && !host.contains(":") && !host.matches("[0-9.]+");
        }
    }

    public Shedding {
        alternates = List.copyOf(alternates);
        if (maxAllocations < 0) {
            throw new IllegalArgumentException("--max-allocations must not be negative");
        }
    }
}
