package org.turnctl.probe.client;

import java.io.IOException;

/** The probe was told to authenticate in a way the server's 401 does not offer (SHA-256, USERHASH). */
public final class AuthNotOfferedException extends IOException {
    private static final long serialVersionUID = 1L;

    public AuthNotOfferedException(String message) {
        super(message);
    }
}
