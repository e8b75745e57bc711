package org.turnctl.server.auth;

/** Finds the long-term keys for a username in the server's realm. Implementations are thread-safe. */
public interface Authenticator {

    /** The credential, or null when the user is unknown or (for REST credentials) expired. */
    Credential lookup(String username, String realm, long nowMillis);

    /** First that knows the user wins: static users, then the users file, then shared secrets. */
    static Authenticator firstOf(java.util.List<Authenticator> chain) {
        java.util.List<Authenticator> copy = java.util.List.copyOf(chain);
        return (username, realm, now) -> {
            for (Authenticator a : copy) {
                Credential c = a.lookup(username, realm, now);
                if (c != null) {
                    return c;
                }
            }
            return null;
        };
    }
}
