package org.turnctl.server.allocation;

/** The client-facing transport of a 5-tuple. */
public enum Transport {
    UDP, TCP, TLS, DTLS;

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
