package org.turnctl.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.turnctl.server.allocation.RelayAddresses;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.Settings;
import org.turnctl.server.net.Addresses;

/** The one line an operator reads first: what is listening, relaying, and allowed. Never a secret. */
final class StartLine {

    private StartLine() {
    }

    static void log(Logger log, Settings settings, RelayAddresses relay, List<InetSocketAddress> udp,
            List<InetSocketAddress> tcp, List<InetSocketAddress> tls, List<InetSocketAddress> dtls, Transports transports,
            int threads) {
        ServerConfig config = settings.config();
        String udpText = String.join(" ", udp.stream().map(Addresses::format).toList());
        String tcpText = String.join(" ", tcp.stream().map(Addresses::format).toList())
                + (config.tls().onTcpListeners() ? " (+tls)" : "");
        String tlsText = (tls.isEmpty() ? "" : " tls " + String.join(" ", tls.stream().map(Addresses::format).toList()))
                + (dtls.isEmpty() ? "" : " dtls " + String.join(" ", dtls.stream().map(Addresses::format).toList()));
        log.atInfo().addKeyValue("event", "started").addKeyValue("udp", udpText)
                .addKeyValue("tcp", tcpText).addKeyValue("tls", tlsText.strip()).addKeyValue("realm", config.realm())
                .log("turnctl serve: listening udp {} tcp {}{} ({} x{}), relay {} ports {}-{}{}, realm {}, auth {}, "
                        + "peer policy: {}",
                udpText, tcpText, tlsText, transports.name(), threads, relayText(relay, config), config.minPort(), config.maxPort(),
                (config.externalIps().isEmpty() ? "" : " external " + externals(config))
                        + (config.altListen() == null ? "" : ", RFC 5780 alternate " + Addresses.format(config.altListen())),
                config.realm(), authSummary(config), settings.policy().summary());
    }

    /** The relay addresses; an IPv6-only server says what clients without a family get. */
    private static String relayText(RelayAddresses relay, ServerConfig config) {
        if (relay.ip(false) != null) {
            return relay.toString();
        }
        return io.netty.util.NetUtil.toAddressString(relay.ip(true)) + " (IPv6 only: "
                + (config.strictAddressFamily() ? "allocations without a family get 440, --strict-address-family)"
                        : "allocations without a family get IPv6)");
    }

    /** PUBLIC for PRIVATE pairs, compressed: {@code 2001:db8::5 for fd00::5}; a family's own wildcard key reads "any". */
    private static String externals(ServerConfig config) {
        List<String> parts = new ArrayList<>();
        config.externalIps().forEach((relay, pub) -> parts.add(io.netty.util.NetUtil.toAddressString(pub) + " for "
                + (relay.isAnyLocalAddress() ? "the " + (relay.getAddress().length == 4 ? "IPv4" : "IPv6") + " relay"
                        : io.netty.util.NetUtil.toAddressString(relay))));
        return String.join(", ", parts);
    }

    private static String authSummary(ServerConfig config) {
        List<String> parts = new ArrayList<>();
        if (!config.userKeys().isEmpty()) {
            parts.add(config.userKeys().size() + " long-term user(s)");
        }
        if (!config.authSecrets().isEmpty()) {
            parts.add(config.authSecrets().size() + " REST shared secret(s)");
        }
        return String.join(" + ", parts);
    }
}
