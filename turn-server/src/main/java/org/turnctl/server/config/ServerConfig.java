package org.turnctl.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.turnctl.server.policy.Cidr;
import org.turnctl.stun.attr.Lifetime;

/**
 * Everything {@code turnctl serve} is told, validated, immutable. Secrets (user keys, auth
 * secrets) live here but are never printed: {@link #toString()} masks them.
 *
 * @param listen         UDP and TCP on each (port 0 picks one free port for both)
 * @param relayIps       at most one per family; empty means "derive from the listen address"
 * @param externalIps    public address per relay address (1:1 NAT), keyed by relay address
 * @param userKeys       username to MD5(username:realm:password)
 * @param authSecrets    TURN REST shared secrets, newest first
 * @param userQuota      allocations per user, 0 for unlimited
 * @param totalQuota     allocations in total, 0 for unlimited
 * @param threads        event loops (0: one per core)
 * @param altListen      RFC 5780 second address and port (A2:P2), or null
 * @param tls            TURN over TLS, or {@link TlsConfig#NONE}
 * @param unauthRate     --unauth-rate: answers a second to one source IP without an allocation, 0 for no limit
 * @param maxTcpPerIp    --max-tcp-connections-per-ip, 0 for no cap
 * @param maxTcp         --max-tcp-connections, 0 for no cap
 * @param authFailureRate --auth-failure-rate: failed authentications a second per source IP and per user name, 0 for no limit
 * @param userKeysSha256 username to SHA-256(username:realm:password), for the users whose it is known
 * @param userhash       --userhash: announce username anonymity and find users by USERHASH (RFC 8489 section 9.2)
 * @param limits         --max-bps, --bps-capacity, --max-allocations-per-ip
 * @param shedding       --alternate-server, --max-allocations
 */
public record ServerConfig(
        List<InetSocketAddress> listen,
        List<InetAddress> relayIps,
        Map<InetAddress, InetAddress> externalIps,
        int minPort,
        int maxPort,
        String realm,
        Map<String, byte[]> userKeys,
        List<String> authSecrets,
        List<Cidr> allowPeers,
        List<Cidr> denyPeers,
        boolean allowLoopbackPeers,
        int userQuota,
        int totalQuota,
        long maxLifetimeSeconds,
        long nonceLifetimeSeconds,
        boolean strictChannelNumbers,
        int threads,
        InetSocketAddress altListen,
        TimeSource time,
        TlsConfig tls,
        int unauthRate,
        int maxTcpPerIp,
        int maxTcp,
        int authFailureRate,
        Map<String, byte[]> userKeysSha256,
        boolean userhash,
        RelayLimits limits,
        Shedding shedding,
        boolean strictAddressFamily) {

    /** Failed authentications a second per source IP and per user name (bursts of twice that). */
    public static final int DEFAULT_AUTH_FAILURE_RATE = 5;

    /** TCP and TLS connections from one IP: a NAT with many callers stays under it. */
    public static final int DEFAULT_MAX_TCP_PER_IP = 1_000;
    /** In all: two descriptors each (connection and relay socket), well within systemd's LimitNOFILE. */
    public static final int DEFAULT_MAX_TCP = 100_000;

    /**
     * Answers a second per source IP before it has an allocation: a browser sends a handful per
     * call, a NAT with a few hundred users behind it stays under it, a reflection flood does not.
     */
    public static final int DEFAULT_UNAUTH_RATE = 200;

    public static final long DEFAULT_LIFETIME = Lifetime.DEFAULT_ALLOCATION_SECONDS;
    public static final long PERMISSION_LIFETIME = Lifetime.PERMISSION_SECONDS;
    public static final long CHANNEL_LIFETIME = Lifetime.CHANNEL_SECONDS;

    public ServerConfig {
        listen = List.copyOf(listen);
        relayIps = List.copyOf(relayIps);
        externalIps = Map.copyOf(externalIps);
        userKeys = Map.copyOf(userKeys);
        userKeysSha256 = Map.copyOf(userKeysSha256);
        authSecrets = List.copyOf(authSecrets);
        allowPeers = List.copyOf(allowPeers);
        denyPeers = List.copyOf(denyPeers);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("at least one --listen address is needed");
        }
        if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("--min-port " + minPort + " / --max-port " + maxPort
                    + ": need 1 <= min-port <= max-port <= 65535");
        }
        if (realm == null || realm.isBlank()) {
            throw new IllegalArgumentException("--realm must not be empty");
        }
        if (userKeys.isEmpty() && authSecrets.isEmpty()) {
            throw new IllegalArgumentException("no credentials: give --user, --users-file or --auth-secret");
        }
        if (maxLifetimeSeconds < DEFAULT_LIFETIME) {
            throw new IllegalArgumentException("--max-lifetime " + maxLifetimeSeconds
                    + " is below the 600 s default lifetime RFC 8656 requires");
        }
        if (nonceLifetimeSeconds < 30) {
            throw new IllegalArgumentException("--nonce-lifetime must be at least 30 seconds");
        }
        if (userQuota < 0 || totalQuota < 0 || threads < 0) {
            throw new IllegalArgumentException("quotas and --threads must not be negative");
        }
        long families = relayIps.stream().map(a -> a.getAddress().length).distinct().count();
        if (families != relayIps.size()) {
            throw new IllegalArgumentException("--relay-ip: at most one address per family");
        }
        if (altListen != null) {
            if (listen.size() != 1 || listen.get(0).getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("--alt-listen needs exactly one --listen with a specific address");
            }
            InetSocketAddress primary = listen.get(0);
            if (primary.getAddress().getAddress().length != altListen.getAddress().getAddress().length
                    || primary.getAddress().equals(altListen.getAddress()) || altListen.getAddress().isAnyLocalAddress()
                    || altListen.getPort() == 0 || altListen.getPort() == primary.getPort()) {
                throw new IllegalArgumentException("--alt-listen must be another specific address of the same family "
                        + "with another, non-zero port");
            }
        }
        if (time == null) {
            time = TimeSource.SYSTEM;
        }
        if (tls == null) {
            tls = TlsConfig.NONE;
        }
        if (limits == null) {
            limits = RelayLimits.NONE;
        }
        if (shedding == null) {
            shedding = Shedding.NONE;
        }
        if (unauthRate < 0) {
            throw new IllegalArgumentException("--unauth-rate must not be negative");
        }
        if (authFailureRate < 0) {
            throw new IllegalArgumentException("--auth-failure-rate must not be negative");
        }
        if (maxTcpPerIp < 0 || maxTcp < 0) {
            throw new IllegalArgumentException("--max-tcp-connections-per-ip and --max-tcp-connections must not be negative");
        }
    }

    /** MD5 keys only, no --userhash. */
    public ServerConfig(List<InetSocketAddress> listen, List<InetAddress> relayIps, Map<InetAddress, InetAddress> externalIps,
            int minPort, int maxPort, String realm, Map<String, byte[]> userKeys, List<String> authSecrets,
            List<Cidr> allowPeers, List<Cidr> denyPeers, boolean allowLoopbackPeers, int userQuota, int totalQuota,
            long maxLifetimeSeconds, long nonceLifetimeSeconds, boolean strictChannelNumbers, int threads,
            InetSocketAddress altListen, TimeSource time, TlsConfig tls, int unauthRate, int maxTcpPerIp, int maxTcp,
            int authFailureRate) {
        this(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers, denyPeers,
                allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds, strictChannelNumbers,
                threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate, Map.of(), false, RelayLimits.NONE,
                Shedding.NONE, false);
    }

    /** With the default --unauth-rate. */
    public ServerConfig(List<InetSocketAddress> listen, List<InetAddress> relayIps, Map<InetAddress, InetAddress> externalIps,
            int minPort, int maxPort, String realm, Map<String, byte[]> userKeys, List<String> authSecrets,
            List<Cidr> allowPeers, List<Cidr> denyPeers, boolean allowLoopbackPeers, int userQuota, int totalQuota,
            long maxLifetimeSeconds, long nonceLifetimeSeconds, boolean strictChannelNumbers, int threads,
            InetSocketAddress altListen, TimeSource time, TlsConfig tls) {
        this(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers, denyPeers,
                allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds, strictChannelNumbers,
                threads, altListen, time, tls, DEFAULT_UNAUTH_RATE, DEFAULT_MAX_TCP_PER_IP, DEFAULT_MAX_TCP,
                DEFAULT_AUTH_FAILURE_RATE);
    }

    /** Without TLS. */
    public ServerConfig(List<InetSocketAddress> listen, List<InetAddress> relayIps, Map<InetAddress, InetAddress> externalIps,
            int minPort, int maxPort, String realm, Map<String, byte[]> userKeys, List<String> authSecrets,
            List<Cidr> allowPeers, List<Cidr> denyPeers, boolean allowLoopbackPeers, int userQuota, int totalQuota,
            long maxLifetimeSeconds, long nonceLifetimeSeconds, boolean strictChannelNumbers, int threads,
            InetSocketAddress altListen, TimeSource time) {
        this(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers, denyPeers,
                allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds, strictChannelNumbers,
                threads, altListen, time, TlsConfig.NONE);
    }

    /** The same configuration with TURN over TLS. */
    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate,
                userKeysSha256, userhash, limits, shedding, strictAddressFamily);
    }

    /** The same configuration with other TCP connection caps. */
    public ServerConfig withTcpCaps(int perIp, int inTotal) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, perIp, inTotal, authFailureRate,
                userKeysSha256, userhash, limits, shedding, strictAddressFamily);
    }

    /** The same configuration with SHA-256 user keys and --userhash. */
    public ServerConfig withSha256(Map<String, byte[]> sha256Keys, boolean userhash) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate,
                sha256Keys, userhash, limits, shedding, strictAddressFamily);
    }

    /** The same configuration with other alternates and --max-allocations. */
    public ServerConfig withShedding(Shedding shedding) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate,
                userKeysSha256, userhash, limits, shedding, strictAddressFamily);
    }

    /** The same configuration with other relay limits. */
    public ServerConfig withLimits(RelayLimits limits) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate,
                userKeysSha256, userhash, limits, shedding, strictAddressFamily);
    }

    /**
     * The same configuration with {@code --strict-address-family}: an Allocate without
     * REQUESTED-ADDRESS-FAMILY means IPv4 even on a server with only an IPv6 relay address (440).
     */
    public ServerConfig withStrictAddressFamily(boolean strict) {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, realm, userKeys, authSecrets, allowPeers,
                denyPeers, allowLoopbackPeers, userQuota, totalQuota, maxLifetimeSeconds, nonceLifetimeSeconds,
                strictChannelNumbers, threads, altListen, time, tls, unauthRate, maxTcpPerIp, maxTcp, authFailureRate,
                userKeysSha256, userhash, limits, shedding, strict);
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String toString() {
        return "ServerConfig[listen=" + listen + ", relayIps=" + relayIps + ", externalIps=" + externalIps
                + ", ports=" + minPort + "-" + maxPort + ", realm=" + realm + ", users=" + userKeys.size()
                + ", authSecrets=" + authSecrets.size() + " (masked), allowPeers=" + allowPeers
                + ", denyPeers=" + denyPeers + ", allowLoopbackPeers=" + allowLoopbackPeers
                + ", userQuota=" + userQuota + ", totalQuota=" + totalQuota + ", maxLifetime=" + maxLifetimeSeconds
                + ", nonceLifetime=" + nonceLifetimeSeconds + ", strictChannelNumbers=" + strictChannelNumbers
                + ", threads=" + threads + ", altListen=" + altListen + ", tls=" + tls + ", unauthRate=" + unauthRate + ", maxTcpPerIp=" + maxTcpPerIp + ", maxTcp=" + maxTcp + ", authFailureRate=" + authFailureRate
                + ", sha256Users=" + userKeysSha256.size() + ", userhash=" + userhash + ", limits=" + limits + ", shedding=" + shedding + "]";
    }
}
