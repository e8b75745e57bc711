package org.turnctl.stun.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RestCredentialsTest {

    @Test
    void passwordIsBase64HmacSha1OfTheUsername() {
        // Independently: printf '1700000000:alice' | openssl dgst -sha1 -hmac the-secret -binary | base64
        assertEquals("1lYDuPOrKXy12NITPUGg9ajL6uQ=",
                RestCredentials.password("the-secret".getBytes(StandardCharsets.UTF_8), "1700000000:alice"));
        assertNotEquals(RestCredentials.password("the-secret".getBytes(StandardCharsets.UTF_8), "1700000001:alice"),
                RestCredentials.password("the-secret".getBytes(StandardCharsets.UTF_8), "1700000000:alice"));
    }

    @Test
    void usernameIsExpiryThenUser() {
        assertEquals("1700000000:alice", RestCredentials.username(1_700_000_000L, "alice"));
        assertEquals("1700000000", RestCredentials.username(1_700_000_000L, null));
    }
}
