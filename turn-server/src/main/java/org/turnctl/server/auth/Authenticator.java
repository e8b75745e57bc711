package org.turnctl.server.auth;

/** Finds the long-term keys for a username in the server's realm. Implementations are thread-safe. */
public interface Authenticator {

    /** The credential, or null when the user is unknown or (for REST credentials) expired. */
    Credential lookup(String username, String realm, long nowMillis);

    /**
     * The credential for a USERHASH, SHA-256(username ":" realm) (RFC 8489 section 9.2.4), or
     * null. Only authenticators that know their user names can: TURN REST names are made up by
     * the application, so a hash of one cannot be looked up.
     */
    default Credential lookupByUserhash(byte[] userhash, String realm, long nowMillis) {
        return null;
    }

    /** First that knows the user wins: static users, then the users file, then shared secrets. */
    static Authenticator firstOf(java.util.List<Authenticator> chain) {
        java.util.List<Authenticator> copy = java.util.List.copyOf(chain);
        return new Authenticator() {
            @Override
            public Credential lookup(String username, String realm, long now) {
                for (Authenticator a : copy) {
                    Credential c = a.lookup(username, realm, now);
                    if (c != null) {
                        return c;
                    }
                }
                return null;
            }

            @Override
            public Credential lookupByUserhash(byte[] userhash, String realm, long now) {
                for (Authenticator a : copy) {
                    Credential c = a.lookupByUserhash(userhash, realm, now);
                    if (c != null) {
                        return c;
                    }
                }
                return null;
            }
        };
    }
}
