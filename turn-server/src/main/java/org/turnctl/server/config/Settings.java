package org.turnctl.server.config;

import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.auth.Authenticator;
import org.turnctl.server.auth.SharedSecretAuthenticator;
import org.turnctl.server.auth.StaticUsers;
import org.turnctl.server.policy.PeerPolicy;

/**
 * What SIGHUP may change, as one immutable snapshot: the configuration, the credentials built
 * from it and the peer policy. The server publishes a new snapshot with one atomic write, and a
 * request reads the snapshot once, so it never sees the new users with the old policy.
 */
public record Settings(ServerConfig config, Authenticator authenticator, PeerPolicy policy) {

    public static Settings of(ServerConfig config) {
        return new Settings(config, authenticatorFor(config),
                PeerPolicy.of(config.allowPeers(), config.denyPeers(), config.allowLoopbackPeers()));
    }

    private static Authenticator authenticatorFor(ServerConfig config) {
        List<Authenticator> chain = new ArrayList<>();
        if (!config.userKeys().isEmpty()) {
            chain.add(new StaticUsers(config.userKeys()));
        }
        if (!config.authSecrets().isEmpty()) {
            chain.add(new SharedSecretAuthenticator(config.authSecrets()));
        }
        return Authenticator.firstOf(chain);
    }

    public String realm() {
        return config.realm();
    }
}
