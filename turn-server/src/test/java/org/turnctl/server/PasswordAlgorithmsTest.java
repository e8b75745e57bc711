package org.turnctl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.turnctl.server.auth.Credential;
import org.turnctl.server.auth.StaticUsers;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.MessageIntegrity;
import org.turnctl.stun.attr.MessageIntegritySha256;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.PasswordAlgorithm;
import org.turnctl.stun.attr.PasswordAlgorithms;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Userhash;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.NonceCookie;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * RFC 8489 section 9.2 on the server, over real loopback sockets: the nonce cookie and
 * PASSWORD-ALGORITHMS in the 401, SHA-256 keys with MESSAGE-INTEGRITY-SHA256 both ways, the
 * bid-down checks (400), USERHASH behind --userhash, and MD5 clients as before.
 */
class PasswordAlgorithmsTest {
    private static final String REALM = TestServers.REALM;
    private final TestServers recipe = new TestServers();
    private TurnServer server;
    private TestClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(boolean userhash, boolean sha256ForAll) throws Exception {
        Map<String, byte[]> sha = sha256ForAll
                ? Map.of("alice", Integrity.longTermKeySha256("alice", REALM, "alice-pass"),
                        "bob", Integrity.longTermKeySha256("bob", REALM, "bob-pass"))
                : Map.of("alice", Integrity.longTermKeySha256("alice", REALM, "alice-pass"));
        server = TurnServer.start(recipe.config().withSha256(sha, userhash));
        client = TestClient.udp(server.udpAddresses().get(0)).credentials("alice", "alice-pass");
    }

    private StunMessage challenge() throws Exception {
        return client.unauthenticated(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP));
    }

    /** An Allocate signed as the caller says, with the nonce of the last challenge. */
    private StunMessage allocate(StunMessage challenge, byte[] key, boolean sha256Integrity, StunAttribute... auth) throws Exception {
        StunMessage.Builder b = StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.REQUEST), TransactionId.random())
                .add(new RequestedTransport(RequestedTransport.UDP));
        for (StunAttribute a : auth) {
            b.add(a);
        }
        b.add(new Realm(REALM)).add(Nonce.from(challenge).orElseThrow());
        Protection p = sha256Integrity ? Protection.NONE.withIntegritySha256(key) : Protection.NONE.withIntegrity(key);
        return client.send(b.build(), p.withFingerprint());
    }

    private static PasswordAlgorithms list(int... algorithms) {
        return new PasswordAlgorithms(java.util.Arrays.stream(algorithms).mapToObj(PasswordAlgorithm::of).toList());
    }

    @Test
    void theChallengeCarriesTheCookieAndSha256ThenMd5() throws Exception {
        start(false, true);
        StunMessage c = challenge();
        assertEquals(401, TestClient.errorCode(c));
        String nonce = Nonce.from(c).orElseThrow().value();
        assertTrue(nonce.startsWith("obMatJos2"), nonce);
        assertEquals(NonceCookie.PASSWORD_ALGORITHMS, NonceCookie.features(nonce), "password algorithms, no anonymity");
        assertEquals(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5),
                PasswordAlgorithms.from(c).orElseThrow().algorithms().stream().map(PasswordAlgorithm::algorithm).toList());
    }

    @Test
    void sha256IsCheckedWithTheSha256KeyAndAnsweredInKind() throws Exception {
        start(false, true);
        StunMessage c = challenge();
        byte[] key = Integrity.longTermKeySha256("alice", REALM, "alice-pass");
        StunMessage r = allocate(c, key, true, new Username("alice"), list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5),
                PasswordAlgorithm.of(PasswordAlgorithm.SHA256));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        assertTrue(MessageIntegritySha256.from(r).isPresent(), "the response carries MESSAGE-INTEGRITY-SHA256");
        assertFalse(MessageIntegrity.from(r).isPresent());
        assertTrue(Integrity.verifySha256(r, key));
        // The MD5 key does not pass for a SHA-256 request.
        StunMessage wrong = allocate(challenge(), Integrity.longTermKeyMd5("alice", REALM, "alice-pass"), true,
                new Username("alice"), list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5), PasswordAlgorithm.of(PasswordAlgorithm.SHA256));
        assertEquals(401, TestClient.errorCode(wrong));
    }

    @Test
    void bidDownAttemptsGet400() throws Exception {
        start(false, true);
        byte[] md5 = Integrity.longTermKeyMd5("alice", REALM, "alice-pass");
        // (2) a PASSWORD-ALGORITHMS stripped of SHA-256 on the way: not what the server sent.
        assertEquals(400, TestClient.errorCode(allocate(challenge(), md5, false, new Username("alice"),
                list(PasswordAlgorithm.MD5), PasswordAlgorithm.of(PasswordAlgorithm.MD5))));
        // (1) one without the other.
        assertEquals(400, TestClient.errorCode(allocate(challenge(), md5, false, new Username("alice"),
                PasswordAlgorithm.of(PasswordAlgorithm.MD5))));
        assertEquals(400, TestClient.errorCode(allocate(challenge(), md5, false, new Username("alice"),
                list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5))));
        // (3) an algorithm that is not in the list.
        assertEquals(400, TestClient.errorCode(allocate(challenge(), md5, false, new Username("alice"),
                list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5), PasswordAlgorithm.of(3))));
        // The honest MD5 choice from the full list passes.
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocate(challenge(), md5, false, new Username("alice"),
                list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5), PasswordAlgorithm.of(PasswordAlgorithm.MD5)).messageClass());
    }

    @Test
    void md5ClientsWithNeitherAttributeWorkAsBefore() throws Exception {
        start(false, true);
        StunMessage r = allocate(challenge(), Integrity.longTermKeyMd5("alice", REALM, "alice-pass"), false, new Username("alice"));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        assertTrue(MessageIntegrity.from(r).isPresent());
        assertFalse(MessageIntegritySha256.from(r).isPresent());
    }

    @Test
    void userhashOnlyWithTheFeatureOn() throws Exception {
        start(true, true);
        StunMessage c = challenge();
        assertEquals(NonceCookie.PASSWORD_ALGORITHMS | NonceCookie.USERNAME_ANONYMITY,
                NonceCookie.features(Nonce.from(c).orElseThrow().value()));
        byte[] key = Integrity.longTermKeySha256("alice", REALM, "alice-pass");
        StunMessage r = allocate(c, key, true, Userhash.of(Integrity.userhash("alice", REALM)),
                list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5), PasswordAlgorithm.of(PasswordAlgorithm.SHA256));
        assertEquals(MessageClass.SUCCESS_RESPONSE, r.messageClass(), r.toString());
        server.close();
        client.close();
        start(false, true);
        StunMessage off = allocate(challenge(), key, true, Userhash.of(Integrity.userhash("alice", REALM)),
                list(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5), PasswordAlgorithm.of(PasswordAlgorithm.SHA256));
        assertEquals(401, TestClient.errorCode(off), "USERHASH is not looked up without --userhash");
    }

    @Test
    void sha256IsNotOfferedWhileAUserHasNoSha256Key() throws Exception {
        start(false, false);
        assertEquals(List.of(PasswordAlgorithm.MD5), PasswordAlgorithms.from(challenge()).orElseThrow().algorithms().stream()
                .map(PasswordAlgorithm::algorithm).toList());
    }

    /** RFC 8489 appendix B.1 (as corrected by Errata 6268): the server's users find its USERHASH, and its SHA-256 key verifies it. */
    @Test
    void appendixB1IsFoundByUserhashAndVerifies() throws Exception {
        String user = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        byte[] wire = HexFormat.of().parseHex("000100902112a44278ad3433c6ad72c029da412e"
                + "001e00204a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704"
                + "001500296f624d61744a6f73324141414366" + "2f2f3439396b39353464364f4c33346f4c394653547679363473410000"
                + "00" + "0014000b6578616d706c652e6f726700" + "001d000400020000"
                + "001c0020b5c7bf005b6c52a21c51c5e892f81924136296cb927c431493" + "09278cc6518e65");
        StunMessage msg = StunCodec.decode(wire);
        StaticUsers users = new StaticUsers(Map.of(user, Integrity.longTermKeyMd5(user, "example.org", "TheMatrIX")),
                Map.of(user, Integrity.longTermKeySha256(user, "example.org", "TheMatrIX")), "example.org");
        Credential c = users.lookupByUserhash(Userhash.from(msg).orElseThrow().value().toByteArray(), "example.org", 0);
        assertNotNull(c, "found by USERHASH");
        assertEquals(user, c.username());
        assertTrue(Integrity.verifySha256(msg, c.keys(PasswordAlgorithm.SHA256).get(0)));
        assertFalse(Integrity.verifySha256(msg, c.keys(PasswordAlgorithm.MD5).get(0)));
        assertArrayEquals(Integrity.longTermKeySha256(user, "example.org", "TheMatrIX"), c.sha256Keys().get(0));
    }
}
