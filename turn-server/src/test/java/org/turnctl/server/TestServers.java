package org.turnctl.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.policy.Cidr;
import org.turnctl.stun.codec.Integrity;

/** A mutable recipe for a ServerConfig, with loopback test defaults. */
final class TestServers {
    static final String REALM = "turnctl.test";

    List<InetSocketAddress> listen = new ArrayList<>(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    List<InetAddress> relayIps = new ArrayList<>();
    Map<InetAddress, InetAddress> externalIps = new HashMap<>();
    int minPort = 49152;
    int maxPort = 65535;
    Map<String, byte[]> users = new HashMap<>(Map.of(
            "alice", Integrity.longTermKeyMd5("alice", REALM, "alice-pass"),
            "bob", Integrity.longTermKeyMd5("bob", REALM, "bob-pass")));
    List<String> secrets = new ArrayList<>();
    List<Cidr> allow = new ArrayList<>();
    List<Cidr> deny = new ArrayList<>();
    boolean allowLoopback = true;
    int userQuota;
    int totalQuota;
    long maxLifetime = 3600;
    boolean strictChannels;
    int threads = 2;
    InetSocketAddress altListen;
    final FakeTime time = new FakeTime();

    ServerConfig config() {
        return new ServerConfig(listen, relayIps, externalIps, minPort, maxPort, REALM, users, secrets, allow, deny,
                allowLoopback, userQuota, totalQuota, maxLifetime, 600, strictChannels, threads, altListen, time);
    }

    TurnServer start() throws TurnServer.StartException {
        return TurnServer.start(config());
    }
}
