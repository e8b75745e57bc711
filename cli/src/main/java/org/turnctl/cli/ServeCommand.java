package org.turnctl.cli;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import org.turnctl.probe.report.ExitCode;
import org.turnctl.server.TurnServer;
import org.turnctl.server.systemd.SystemdNotifier;
import org.turnctl.server.auth.UsersFile;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.Operations;
import org.turnctl.server.policy.Cidr;
import org.turnctl.stun.codec.Integrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code turnctl serve}: the TURN relay. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Run the TURN/STUN relay (RFC 8656, RFC 8489) over UDP, TCP and TLS (--cert).",
            "Every option can also be set with an environment variable TURNCTL_SERVE_<OPTION> or TURNCTL_<OPTION>, "
                    + "e.g. TURNCTL_MIN_PORT=50000; repeatable options take a comma-separated list.",
            "SIGTERM/SIGINT release every allocation and exit 0; SIGHUP reloads users, secrets and the peer policy."})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Mixin
    LoggingOptions logging;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", split = ",", converter = Converters.HostPort.class,
            description = "UDP and TCP listen address (repeatable). Default [::]:3478 (dual-stack), "
                    + "or 0.0.0.0:3478 without IPv6.")
    List<InetSocketAddress> listen = new ArrayList<>();

    @Option(names = "--alt-listen", paramLabel = "ADDR:PORT", converter = Converters.HostPort.class,
            description = "RFC 5780 NAT behaviour discovery: a second IP (A2) and port (P2); Binding is then "
                    + "answered on A1:P1, A1:P2, A2:P1 and A2:P2 over UDP and CHANGE-REQUEST is honoured.")
    InetSocketAddress altListen;

    @Option(names = "--relay-ip", paramLabel = "ADDR", split = ",", converter = Converters.IpAddress.class,
            description = "Relay address, one per family (repeatable). Default: the listen address, "
                    + "or for a wildcard listen the first IPv4 address of this host.")
    List<InetAddress> relayIps = new ArrayList<>();

    // No brackets in the label: "[" after "=" starts an AsciiDoc attribute list in the man page's synopsis.
    @Option(names = "--external-ip", paramLabel = "PUBLIC/PRIVATE", split = ",",
            converter = Converters.ExternalIpConverter.class,
            description = "Public address advertised in XOR-RELAYED-ADDRESS behind 1:1 NAT "
                    + "(one per family): PUBLIC alone, or PUBLIC/PRIVATE where PRIVATE names the relay address it maps.")
    List<Converters.ExternalIp> externalIps = new ArrayList<>();

    @Mixin
    ServeTlsOptions tlsOptions;

    @Option(names = "--min-port", defaultValue = "49152", description = "Lowest relay port (default ${DEFAULT-VALUE}).")
    int minPort;

    @Option(names = "--max-port", defaultValue = "65535", description = "Highest relay port (default ${DEFAULT-VALUE}).")
    int maxPort;

    @Option(names = "--realm", defaultValue = "turnctl", description = "Authentication realm (default ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = "--user", paramLabel = "NAME:PASSWORD", split = ",",
            description = "A long-term credential (repeatable).")
    List<String> users = new ArrayList<>();

    @Mixin
    ServeFleetOptions fleet;

    @Option(names = "--userhash",
            description = "Username anonymity (RFC 8489 section 9.2): announce it in the nonce cookie and accept USERHASH "
                    + "(SHA-256 of name:realm) instead of USERNAME, so the name never crosses the wire. Works for --user and "
                    + "--users-file users, not for --auth-secret (a REST name cannot be found from its hash). Off by default.")
    boolean userhash;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "Lines name:key, key the hex MD5(name:realm:password) from 'turnctl key' "
                    + "(coturn's name:0x<hex> works too).")
    Path usersFile;

    @Option(names = "--auth-secret", paramLabel = "SECRET", split = ",",
            description = "TURN REST shared secret (repeatable, for rotation): username "
                    + "<expiry-unix-seconds>[:<user>], password base64(HMAC-SHA1(secret, username)).")
    List<String> authSecrets = new ArrayList<>();

    @Option(names = "--auth-secret-file", paramLabel = "FILE", description = "Shared secrets, one per line.")
    Path authSecretFile;

    @Option(names = "--allow-peer", paramLabel = "CIDR", split = ",", converter = Converters.CidrConverter.class,
            description = "Allow peers in this prefix (repeatable).")
    List<Cidr> allowPeers = new ArrayList<>();

    @Option(names = "--deny-peer", paramLabel = "CIDR", split = ",", converter = Converters.CidrConverter.class,
            description = "Deny peers in this prefix (repeatable).")
    List<Cidr> denyPeers = new ArrayList<>();

    @Option(names = "--allow-loopback-peers",
            description = "FOR TESTS ONLY: let clients relay to 127.0.0.0/8 and ::1 on this host.")
    boolean allowLoopbackPeers;

    @Option(names = "--user-quota", defaultValue = "0", paramLabel = "N",
            description = "Allocations per user (REST: the <user> part); 0 = unlimited.")
    int userQuota;

    @Option(names = "--total-quota", defaultValue = "0", paramLabel = "N", description = "Allocations in total; 0 = unlimited.")
    int totalQuota;

    @Option(names = "--max-lifetime", defaultValue = "3600", paramLabel = "SECONDS",
            description = "Longest allocation lifetime (default ${DEFAULT-VALUE}; at least 600).")
    long maxLifetime;

    @Option(names = "--nonce-lifetime", defaultValue = "600", paramLabel = "SECONDS",
            description = "How long a nonce stays valid (default ${DEFAULT-VALUE}).")
    long nonceLifetime;

    @Option(names = "--strict-channel-numbers", description = "Accept only RFC 8656 channels 0x4000-0x4FFF.")
    boolean strictChannelNumbers;

    @Option(names = "--strict-address-family",
            description = "An Allocate without REQUESTED-ADDRESS-FAMILY means IPv4, as RFC 8656 section 7.2 says, even on a "
                    + "server with only an IPv6 relay address (440). Without it such a server relays IPv6, which browsers "
                    + "(they never ask for a family) need. Wanted only to test a client's own family handling.")
    boolean strictAddressFamily;

    @Option(names = "--warmup", defaultValue = "20000", paramLabel = "N",
            description = "Before opening the listeners, relay about N round trips through a throwaway loopback server, "
                    + "so the JIT has compiled the packet path before the first user: a cold JVM spends two to three times "
                    + "the CPU per packet in its first minute. 0 turns it off (default ${DEFAULT-VALUE}; about a second or two).")
    int warmup;

    @Option(names = "--unauth-rate", defaultValue = "200/s", paramLabel = "N/s",
            description = "Answers a second to one source IP that has no allocation (Binding, 401, 400): past it the "
                    + "server drops silently and counts turn_dropped_packets_total{reason=\"ratelimit\"}, so it cannot be "
                    + "used to reflect a flood at a spoofed address. Bursts of twice the rate; loopback is never "
                    + "limited; 0 turns it off (default ${DEFAULT-VALUE}).")
    String unauthRate;

    @Option(names = "--auth-failure-rate", defaultValue = "5", paramLabel = "N",
            description = "Failed authentications a second per source IP and per user name (bursts of twice that); "
                    + "past it requests from that IP or for that user are dropped unanswered until the bucket refills, "
                    + "so passwords cannot be guessed at line rate. Counted per event loop; loopback sources count only "
                    + "against the user name. "
                    + "0: no limit (default ${DEFAULT-VALUE}).")
    int authFailureRate;

    @Option(names = "--max-tcp-connections-per-ip", defaultValue = "1000", paramLabel = "N",
            description = "TCP and TLS connections from one IP address; more are closed at accept and counted in "
                    + "turn_tcp_connections_refused_total. 0: no cap (default ${DEFAULT-VALUE}).")
    int maxTcpPerIp;

    @Option(names = "--max-tcp-connections", defaultValue = "100000", paramLabel = "N",
            description = "TCP and TLS connections in all; each TCP allocation also holds a relay socket, so keep twice "
                    + "this under the file descriptor limit. 0: no cap (default ${DEFAULT-VALUE}).")
    int maxTcp;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Event loops (default: one per core).")
    int threads;

    @Option(names = "--metrics-listen", defaultValue = "127.0.0.1:9641", paramLabel = "ADDR:PORT|off",
            converter = Converters.HostPortOrOff.class,
            description = "Where /metrics (Prometheus), /healthz and /readyz listen (default ${DEFAULT-VALUE}); off disables.")
    InetSocketAddress metricsListen;

    /** Thrown for a configuration the operator must fix: one line, exit code 2. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() {
        ServerConfig config;
        String adminToken;
        try {
            logging.apply();
            config = config();
            adminToken = fleet.adminToken();
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("turnctl serve: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        Operations ops;
        try {
            ops = Operations.start(metricsListen);
        } catch (IOException e) {
            spec.commandLine().getErr().println("turnctl serve: cannot listen on --metrics-listen "
                    + TurnServer.format(metricsListen) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCode.USAGE.code();
        }
        if (warmup > 0) {
            try {
                ServeWarmup.Result w = ServeWarmup.run(config, warmup, 10_000);
                LoggerFactory.getLogger("turnctl.server").atInfo().addKeyValue("event", "warmed_up")
                        .log("warmed up: {} relayed round trips through a loopback server in {} ms", w.roundTrips(), w.millis());
            } catch (TurnServer.StartException | IOException e) {
                LoggerFactory.getLogger("turnctl.server").atWarn().addKeyValue("event", "warmup_failed")
                        .log("warm-up skipped: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ops.close();
                return ExitCode.OK.code();
            }
        }
        TurnServer server;
        try {
            server = TurnServer.start(config, ops.metrics());
        } catch (TurnServer.StartException e) {
            ops.close();
            spec.commandLine().getErr().println("turnctl serve: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        ops.relayPortsInUse(() -> server.relayPortsInUse());
        ops.ready(true);
        if (ops.address() != null) {
            LoggerFactory.getLogger("turnctl.server").info("metrics and health on http://{}/metrics, /healthz, /readyz",
                    TurnServer.format(ops.address()));
        }
        // Type=notify: systemd hears READY=1 once every listener is bound (TurnServer.start returned).
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(Turnctl.env(spec));
        systemd.ready("relaying: UDP " + server.udpAddresses().size() + ", TCP " + server.tcpAddresses().size()
                + ", TLS " + server.tlsAddresses().size() + ", DTLS " + server.dtlsAddresses().size() + " listener(s)");
        systemd.watch(server.eventLoops(), SystemdNotifier.watchdogTimeout(Turnctl.env(spec), ProcessHandle.current().pid()));
        ServeLifecycle lifecycle = new ServeLifecycle(server, ops, config, systemd, fleet.drainTimeout);
        // SIGTERM drains first when --drain-timeout says so; SIGINT always stops at once.
        Signals.onTerminate(lifecycle::terminate, lifecycle::stop);
        if (adminToken != null
                && !ops.serve("/admin/", new org.turnctl.server.admin.AdminHandler(adminToken, lifecycle.adminApi()))) {
            LoggerFactory.getLogger("turnctl.server").warn("--admin-token-file: no admin API with --metrics-listen off");
        }
        Signals.onHangup(() -> {
            try {
                systemd.status("reloaded: " + server.reload(reloadedConfig()));
            } catch (ConfigException | ConfigFile.ParseException | IllegalArgumentException | CommandLine.ParameterException e) {
                LoggerFactory.getLogger("turnctl.server").atWarn().addKeyValue("event", "reload_failed")
                        .log("SIGHUP: reload failed, nothing changed: {}",
                                e instanceof CommandLine.ParameterException p ? Turnctl.describe(p) : e.getMessage());
            }
        });
        lifecycle.awaitStopped();
        LoggerFactory.getLogger("turnctl.server").atInfo().addKeyValue("event", "stopped").log("stopped");
        return ExitCode.OK.code();
    }

    /** The configuration as a restart would see it: the same flags, the environment and config file now. */
    ServerConfig reloadedConfig() throws ConfigException, ConfigFile.ParseException {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        // The parse result holds the whole command line, "serve" included.
        while (!args.isEmpty() && !args.get(0).startsWith("-")) {
            args.remove(0);
        }
        List<String> withCommand = new ArrayList<>();
        withCommand.add("serve");
        withCommand.addAll(args);
        Path path = Turnctl.configPath(withCommand.toArray(new String[0]), Turnctl.env(spec));
        ConfigFile file = path == null ? ConfigFile.empty() : ConfigFile.load(path, Turnctl.knownOptions());
        ServeCommand fresh = Turnctl.parse("serve", Turnctl.env(spec), file, args.toArray(new String[0]));
        return fresh.config();
    }

    ServerConfig config() throws ConfigException {
        List<InetSocketAddress> listenAddresses = new ArrayList<>(listen);
        if (listenAddresses.isEmpty()) {
            listenAddresses.add(new InetSocketAddress(Converters.ip(hasIpv6() ? "::" : "0.0.0.0"), 3478));
        }
        if (warmup < 0 || warmup > 10_000_000) {
            throw new ConfigException("--warmup must be 0-10000000 round trips");
        }
        Map<InetAddress, InetAddress> external = new HashMap<>();
        for (Converters.ExternalIp e : externalIps) {
            if (external.put(e.relayIp(), e.publicIp()) != null) {
                throw new ConfigException("--external-ip: more than one for " + io.netty.util.NetUtil.toAddressString(e.relayIp()));
            }
        }
        Map<String, byte[]> keys = new HashMap<>();
        Map<String, byte[]> sha256Keys = new HashMap<>();
        if (usersFile != null) {
            try {
                UsersFile.Keys read = UsersFile.load(usersFile);
                keys.putAll(read.md5());
                sha256Keys.putAll(read.sha256());
            } catch (IOException e) {
                throw new ConfigException("--users-file " + usersFile + ": cannot read (" + why(e) + ")");
            } catch (UsersFile.FormatException e) {
                throw new ConfigException("--users-file " + e.getMessage());
            }
        }
        for (String u : users) {
            int colon = u.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException("--user must be NAME:PASSWORD");
            }
            String name = u.substring(0, colon);
            keys.put(name, Integrity.longTermKeyMd5(name, realm, u.substring(colon + 1)));
            sha256Keys.put(name, Integrity.longTermKeySha256(name, realm, u.substring(colon + 1)));
        }
        List<String> secrets = new ArrayList<>(authSecrets);
        if (authSecretFile != null) {
            List<String> fromFile;
            try {
                fromFile = SecretFile.read(authSecretFile);
            } catch (IOException e) {
                throw new ConfigException("--auth-secret-file " + authSecretFile + ": cannot read (" + why(e) + ")");
            }
            // A file named but empty is a deployment that forgot its secret (an unfilled Kubernetes Secret, say).
            if (fromFile.isEmpty()) {
                throw new ConfigException("--auth-secret-file " + authSecretFile + ": no secret in it");
            }
            secrets.addAll(fromFile);
        }
        return new ServerConfig(listenAddresses, relayIps, external, minPort, maxPort, realm, keys, secrets,
                allowPeers, denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetime, nonceLifetime,
                strictChannelNumbers, threads, altListen, TimeSource.SYSTEM, tlsOptions.config(), unauthRate(), maxTcpPerIp, maxTcp,
                authFailureRate, sha256Keys, userhash, fleet.limits(), fleet.shedding(), strictAddressFamily);
    }

    /** {@code --unauth-rate}: "N/s" or "N". */
    private int unauthRate() throws ConfigException {
        String v = unauthRate.strip();
        if (v.endsWith("/s")) {
            v = v.substring(0, v.length() - 2).strip();
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > 1_000_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException("--unauth-rate " + unauthRate + ": expected N/s, 0-1000000 (0: no limit)");
        }
    }

    /** TURN over TLS: with a certificate, the TLS listeners default to port 5349 (RFC 8656 section 3.1). */
    static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : "I/O error";
    }

    static boolean hasIpv6() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet6Address) {
                        return true;
                    }
                }
            }
        } catch (SocketException e) {
            return false;
        }
        return false;
    }
}
