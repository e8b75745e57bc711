package org.turnctl.server.config;

import java.util.ArrayList;
import java.util.List;
import org.turnctl.server.auth.Authenticator;
import org.turnctl.server.auth.SharedSecretAuthenticator;
import org.turnctl.server.auth.StaticUsers;
import org.turnctl.server.policy.PeerPolicy;
import org.turnctl.stun.attr.PasswordAlgorithm;
import org.turnctl.stun.codec.NonceCookie;

/**
 * What SIGHUP may change, as one immutable snapshot: the configuration, the credentials built
 * from it and the peer policy. The server publishes a new snapshot with one atomic write, and a
 * request reads the snapshot once, so it never sees the new users with the old policy.
 */
public record Settings(ServerConfig config, Authenticator authenticator, PeerPolicy policy, List<Integer> passwordAlgorithms) {

    public static Settings of(ServerConfig config) {
        StaticUsers users = config.userKeys().isEmpty() ? null
                : new StaticUsers(config.userKeys(), config.userKeysSha256(), config.realm());
        // SHA-256 first, the server's preference (RFC 8489 section 9.2.1), but only when every
        // user has a SHA-256 key: a client that picks it must be able to authenticate.
        List<Integer> algorithms = users == null || users.withoutSha256() == 0
                ? List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5) : List.of(PasswordAlgorithm.MD5);
        return new Settings(config, authenticatorFor(config, users),
                PeerPolicy.of(config.allowPeers(), config.denyPeers(), config.allowLoopbackPeers()), algorithms);
    }

    /** The security feature bits the nonce cookie announces (RFC 8489 section 9.2). */
    public int securityFeatures() {
        return NonceCookie.PASSWORD_ALGORITHMS | (config.userhash() ? NonceCookie.USERNAME_ANONYMITY : 0);
    }

    private static Authenticator authenticatorFor(ServerConfig config, StaticUsers users) {
        List<Authenticator> chain = new ArrayList<>();
        if (users != null) {
            chain.add(users);
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
