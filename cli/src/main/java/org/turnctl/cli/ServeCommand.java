package org.turnctl.cli;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.turnctl.server.TurnServer;
import org.turnctl.server.auth.UsersFile;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.server.metrics.Operations;
import org.turnctl.server.policy.Cidr;
import org.turnctl.stun.codec.Integrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code turnctl serve}: the TURN relay. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Run the TURN/STUN relay (RFC 8656, RFC 8489) over UDP and TCP.",
            "Every option can also be set with an environment variable TURNCTL_<OPTION>,",
            "e.g. TURNCTL_MIN_PORT=50000; repeatable options take a comma-separated list.",
            "SIGTERM/SIGINT release every allocation and exit 0."})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file ([serve] and [probe] sections; default /etc/turnctl/turnctl.conf when it exists). "
                    + "Flags > environment > file > defaults.")
    java.nio.file.Path config;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", split = ",",
            description = "UDP and TCP listen address (repeatable). Default [::]:3478 (dual-stack), "
                    + "or 0.0.0.0:3478 without IPv6.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--alt-listen", paramLabel = "ADDR:PORT",
            description = "RFC 5780 NAT behaviour discovery: a second IP (A2) and port (P2); Binding is then "
                    + "answered on A1:P1, A1:P2, A2:P1 and A2:P2 over UDP and CHANGE-REQUEST is honoured.")
    String altListen;

    @Option(names = "--relay-ip", paramLabel = "ADDR", split = ",",
            description = "Relay address, one per family (repeatable). Default: the listen address, "
                    + "or for a wildcard listen the first IPv4 address of this host.")
    List<String> relayIps = new ArrayList<>();

    @Option(names = "--external-ip", paramLabel = "PUBLIC[/PRIVATE]", split = ",",
            description = "Public address advertised in XOR-RELAYED-ADDRESS behind 1:1 NAT "
                    + "(one per family); PRIVATE names the relay address it maps.")
    List<String> externalIps = new ArrayList<>();

    @Option(names = "--min-port", defaultValue = "49152", description = "Lowest relay port (default ${DEFAULT-VALUE}).")
    int minPort;

    @Option(names = "--max-port", defaultValue = "65535", description = "Highest relay port (default ${DEFAULT-VALUE}).")
    int maxPort;

    @Option(names = "--realm", defaultValue = "turnctl", description = "Authentication realm (default ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = "--user", paramLabel = "NAME:PASSWORD", split = ",",
            description = "A long-term credential (repeatable).")
    List<String> users = new ArrayList<>();

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

    @Option(names = "--allow-peer", paramLabel = "CIDR", split = ",", description = "Allow peers in this prefix (repeatable).")
    List<String> allowPeers = new ArrayList<>();

    @Option(names = "--deny-peer", paramLabel = "CIDR", split = ",", description = "Deny peers in this prefix (repeatable).")
    List<String> denyPeers = new ArrayList<>();

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

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Event loops (default: one per core).")
    int threads;

    @Option(names = "--metrics-listen", defaultValue = "127.0.0.1:9641", paramLabel = "ADDR:PORT|off",
            description = "Where /metrics (Prometheus), /healthz and /readyz listen (default ${DEFAULT-VALUE}); off disables.")
    String metricsListen;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "Log lines on stderr: text, or JSON lines with stable keys ts, level, event, ... (default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "error, warn, info, debug or trace (default ${DEFAULT-VALUE}).")
    String logLevel;

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
        try {
            Logging.configure(logLevel, logFormat);
            config = config();
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("turnctl serve: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Operations ops;
        try {
            ops = Operations.start(metricsAddress());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("turnctl serve: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("turnctl serve: cannot listen on --metrics-listen " + metricsListen + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCodes.USAGE;
        }
        TurnServer server;
        try {
            server = TurnServer.start(config, ops.metrics());
        } catch (TurnServer.StartException e) {
            ops.close();
            spec.commandLine().getErr().println("turnctl serve: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        ops.relayPortsInUse(() -> server.relayPortsInUse());
        ops.ready(true);
        if (ops.address() != null) {
            LoggerFactory.getLogger("turnctl.server").info("metrics and health on http://{}/metrics, /healthz, /readyz",
                    TurnServer.format(ops.address()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTerminate(() -> {
            ops.ready(false);
            LoggerFactory.getLogger("turnctl.server").atInfo().addKeyValue("event", "shutting_down")
                    .log("shutting down: releasing {} allocation(s)", server.allocationCount());
            server.close();
            ops.close();
            stopped.countDown();
        });
        Signals.onHangup(() -> {
            try {
                server.reload(reloadedConfig());
            } catch (ConfigException | ConfigFile.ParseException | IllegalArgumentException | CommandLine.ParameterException e) {
                LoggerFactory.getLogger("turnctl.server").atWarn().addKeyValue("event", "reload_failed")
                        .log("SIGHUP: reload failed, nothing changed: {}", e.getMessage());
            }
        });
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        LoggerFactory.getLogger("turnctl.server").atInfo().addKeyValue("event", "stopped").log("stopped");
        return ExitCodes.OK;
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
        java.nio.file.Path path = Turnctl.configPath(withCommand.toArray(new String[0]), System.getenv());
        ConfigFile file = path == null ? ConfigFile.empty() : ConfigFile.load(path, Turnctl.knownOptions());
        ServeCommand fresh = new ServeCommand();
        CommandLine cl = new CommandLine(fresh);
        cl.setDefaultValueProvider(new EnvDefaults(System.getenv(), file));
        cl.parseArgs(args.toArray(new String[0]));
        return fresh.config();
    }

    InetSocketAddress metricsAddress() throws ConfigException {
        if (metricsListen == null || metricsListen.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return hostPort(metricsListen);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage().replace("--listen", "--metrics-listen"));
        }
    }

    ServerConfig config() throws ConfigException {
        List<InetSocketAddress> listenAddresses = new ArrayList<>();
        if (listen.isEmpty()) {
            listenAddresses.add(new InetSocketAddress(hasIpv6() ? ip("::", "--listen") : ip("0.0.0.0", "--listen"), 3478));
        }
        for (String l : listen) {
            listenAddresses.add(hostPort(l));
        }
        InetSocketAddress altListenAddress = null;
        if (altListen != null) {
            try {
                altListenAddress = hostPort(altListen);
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage().replace("--listen", "--alt-listen"));
            }
        }
        List<InetAddress> relays = new ArrayList<>();
        for (String r : relayIps) {
            relays.add(ip(r, "--relay-ip"));
        }
        Map<InetAddress, InetAddress> external = new HashMap<>();
        for (String e : externalIps) {
            int slash = e.indexOf('/');
            InetAddress pub = ip(slash < 0 ? e : e.substring(0, slash), "--external-ip");
            InetAddress priv = slash < 0
                    ? (pub instanceof Inet4Address ? ip("0.0.0.0", "--external-ip") : ip("::", "--external-ip"))
                    : ip(e.substring(slash + 1), "--external-ip");
            if (external.put(priv, pub) != null) {
                throw new ConfigException("--external-ip: more than one for " + priv.getHostAddress());
            }
        }
        Map<String, byte[]> keys = new HashMap<>();
        if (usersFile != null) {
            try {
                keys.putAll(UsersFile.load(usersFile));
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
        }
        List<String> secrets = new ArrayList<>(authSecrets);
        if (authSecretFile != null) {
            try {
                for (String line : Files.readAllLines(authSecretFile, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        secrets.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("--auth-secret-file " + authSecretFile + ": cannot read (" + why(e) + ")");
            }
        }
        return new ServerConfig(listenAddresses, relays, external, minPort, maxPort, realm, keys, secrets,
                cidrs(allowPeers, "--allow-peer"), cidrs(denyPeers, "--deny-peer"), allowLoopbackPeers,
                userQuota, totalQuota, maxLifetime, nonceLifetime, strictChannelNumbers, threads, altListenAddress, TimeSource.SYSTEM);
    }

    static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : "I/O error";
    }

    private static List<Cidr> cidrs(List<String> texts, String option) throws ConfigException {
        List<Cidr> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(Cidr.parse(t));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(option + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** "1.2.3.4:3478", "[::1]:3478", "[::]:3478". Literal addresses only: no DNS at start-up. */
    static InetSocketAddress hostPort(String text) throws ConfigException {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || (s.contains("]") && colon < s.indexOf(']'))) {
            throw new ConfigException("--listen " + text + ": expected ADDR:PORT, e.g. 0.0.0.0:3478 or [::]:3478");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException("--listen " + text + ": put IPv6 addresses in brackets, e.g. [::1]:3478");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("--listen " + text + ": bad port");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("--listen " + text + ": port out of range");
        }
        return new InetSocketAddress(ip(host, "--listen"), port);
    }

    static InetAddress ip(String text, String option) throws ConfigException {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!(s.contains(":") || s.matches("[0-9.]+"))) {
            throw new ConfigException(option + " " + text + ": not an IP address (host names are not resolved)");
        }
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new ConfigException(option + " " + text + ": not an IP address");
        }
    }

    private static boolean hasIpv6() {
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
