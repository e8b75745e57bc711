package org.turnctl.probe.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunAttribute;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.ChannelNumber;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.PasswordAlgorithm;
import org.turnctl.stun.attr.PasswordAlgorithms;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedAddressFamily;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Userhash;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.NonceCookie;
import org.turnctl.stun.codec.Protection;

/**
 * A TURN client (RFC 8656) with long-term credentials: the 401 challenge gives realm and nonce
 * (and, from an RFC 8489 server, PASSWORD-ALGORITHMS and the nonce cookie's feature bits), a 438
 * gives a fresh nonce and the request is retried once. {@link #close} releases the allocation
 * (Refresh with LIFETIME 0) before closing the socket, whatever happened before.
 */
public final class TurnClient implements Closeable {
    private final StunClient stun;
    private final String username;
    private final String password;
    private final AuthMode mode;
    private String realm;
    private String nonce;
    private byte[] key;
    /** PASSWORD-ALGORITHMS of the last 401/438, echoed in every request (RFC 8489 section 9.2.3); null from an older server. */
    private PasswordAlgorithms offered;
    private int algorithm = PasswordAlgorithm.MD5;
    private InetSocketAddress relayed;
    private InetSocketAddress mapped;
    private long lifetime;
    /** REQUESTED-ADDRESS-FAMILY for every Allocate, or 0 to send none (as browsers do). */
    private int family;

    public TurnClient(StunClient stun, String username, String password) {
        this(stun, username, password, AuthMode.AUTO);
    }

    public TurnClient(StunClient stun, String username, String password, AuthMode mode) {
        this.stun = stun;
        this.username = username;
        this.password = password;
        this.mode = mode;
    }

    /**
     * Asks for this address family (AddressFamily.IPV4 or IPV6) in every Allocate; 0 sends no
     * REQUESTED-ADDRESS-FAMILY, as browsers do, and the server picks.
     */
    public TurnClient requestingFamily(int addressFamily) {
        this.family = addressFamily;
        return this;
    }

    /** The password algorithm in use: "SHA-256" or "MD5". */
    public String passwordAlgorithm() {
        return algorithm == PasswordAlgorithm.SHA256 ? "SHA-256" : "MD5";
    }

    public StunClient stun() {
        return stun;
    }

    public String realm() {
        return realm;
    }

    public String nonce() {
        return nonce;
    }

    public InetSocketAddress relayed() {
        return relayed;
    }

    public InetSocketAddress mapped() {
        return mapped;
    }

    public long lifetime() {
        return lifetime;
    }

    /**
     * Sends an unauthenticated Allocate and returns the challenge (expected: 401 with REALM and
     * NONCE). Realm and nonce are remembered for the requests that follow.
     */
    public StunMessage challenge() throws IOException, StunDecodeException {
        StunMessage.Builder b = StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST).add(new RequestedTransport(RequestedTransport.UDP));
        if (family != 0) {
            b.add(new RequestedAddressFamily(family)); // a server without authentication allocates on this one
        }
        StunMessage r = stun.transact(b.build(), Protection.NONE);
        readChallenge(r);
        return r;
    }

    /**
     * Realm, nonce and the algorithm from a 401 or 438 (RFC 8489 section 9.2.3): with the nonce
     * cookie's password-algorithms bit and PASSWORD-ALGORITHMS, the first algorithm of the
     * server's list this client supports (or the one asked for); otherwise MD5, as before RFC 8489.
     */
    private void readChallenge(StunMessage r) throws AuthNotOfferedException {
        Realm.from(r).ifPresent(x -> realm = x.value());
        Nonce.from(r).ifPresent(x -> nonce = x.value());
        int features = NonceCookie.features(nonce);
        offered = features >= 0 && (features & NonceCookie.PASSWORD_ALGORITHMS) != 0
                ? PasswordAlgorithms.from(r).orElse(null) : null;
        List<Integer> list = offered == null ? List.of() : offered.algorithms().stream().map(PasswordAlgorithm::algorithm).toList();
        algorithm = switch (mode.passwordAlgorithm()) {
            case "sha256" -> PasswordAlgorithm.SHA256;
            case "md5" -> PasswordAlgorithm.MD5;
            default -> list.stream().filter(a -> a == PasswordAlgorithm.SHA256 || a == PasswordAlgorithm.MD5).findFirst()
                    .orElse(PasswordAlgorithm.MD5);
        };
        if (algorithm == PasswordAlgorithm.SHA256 && !list.contains(PasswordAlgorithm.SHA256) && r.messageClass() != MessageClass.SUCCESS_RESPONSE) {
            throw new AuthNotOfferedException("the server does not offer SHA-256 passwords (its 401 has "
                    + (offered == null ? "no PASSWORD-ALGORITHMS" : "PASSWORD-ALGORITHMS " + list) + ")");
        }
        if (mode.userhash() && (features < 0 || (features & NonceCookie.USERNAME_ANONYMITY) == 0)
                && r.messageClass() != MessageClass.SUCCESS_RESPONSE) {
            throw new AuthNotOfferedException("the server does not offer username anonymity (USERHASH): its nonce "
                    + (features < 0 ? "has no cookie" : "cookie lacks the bit"));
        }
        if (realm != null) {
            key = Integrity.longTermKey(algorithm, username, realm, password);
        }
    }

    /** Allocate (challenge first when needed). Throws TurnErrorException for an error response. */
    public void allocate(StunAttribute... extra) throws IOException, StunDecodeException, TurnErrorException {
        if (nonce == null) {
            StunMessage c = challenge();
            if (c.messageClass() == MessageClass.SUCCESS_RESPONSE) {
                readAllocation(c); // a server without authentication
                return;
            }
            if (ErrorCode.from(c).map(ErrorCode::code).orElse(0) != 401 || realm == null || nonce == null) {
                throw new TurnErrorException(c, false);
            }
        }
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new RequestedTransport(RequestedTransport.UDP));
        if (family != 0 && java.util.Arrays.stream(extra).noneMatch(a -> a instanceof RequestedAddressFamily)) {
            attrs.add(new RequestedAddressFamily(family));
        }
        attrs.addAll(List.of(extra));
        readAllocation(request(Method.ALLOCATE, attrs));
    }

    private void readAllocation(StunMessage r) {
        relayed = XorRelayedAddress.from(r).map(XorRelayedAddress::address).orElse(null);
        mapped = XorMappedAddress.from(r).map(XorMappedAddress::address).orElse(null);
        lifetime = Lifetime.from(r).map(Lifetime::seconds).orElse(0L);
    }

    public void createPermission(InetSocketAddress... peers) throws IOException, StunDecodeException, TurnErrorException {
        List<StunAttribute> attrs = new ArrayList<>();
        for (InetSocketAddress p : peers) {
            attrs.add(new XorPeerAddress(p));
        }
        request(Method.CREATE_PERMISSION, attrs);
    }

    public void channelBind(int channel, InetSocketAddress peer) throws IOException, StunDecodeException, TurnErrorException {
        request(Method.CHANNEL_BIND, List.of(new ChannelNumber(channel), new XorPeerAddress(peer)));
    }

    public void refresh(long seconds) throws IOException, StunDecodeException, TurnErrorException {
        request(Method.REFRESH, List.of(new Lifetime(seconds)));
    }

    /** A Send indication (no response). */
    public void send(InetSocketAddress peer, byte[] data) throws IOException {
        stun.send(StunMessage.builder(Method.SEND, MessageClass.INDICATION)
                .add(new XorPeerAddress(peer)).add(Data.of(data)).build(), Protection.NONE);
    }

    public void sendChannelData(int channel, byte[] data) throws IOException {
        stun.sendChannelData(channel, data);
    }

    /** The next Data indication or ChannelData payload, or null on timeout. */
    public Inbound receive(long timeoutMs) throws IOException {
        return stun.receive(timeoutMs);
    }

    /** Payload of a Data indication or ChannelData, or null. */
    public static byte[] payload(Inbound in) {
        if (in == null) {
            return null;
        }
        if (in.isChannelData()) {
            return in.data();
        }
        MessageType t = in.message().type();
        if (t.method().equals(Method.DATA) && t.messageClass() == MessageClass.INDICATION) {
            return Data.from(in.message()).map(d -> d.value().toByteArray()).orElse(null);
        }
        return null;
    }

    /** An authenticated request; a 438 (stale nonce) is retried once with the fresh nonce. */
    public StunMessage request(Method method, List<StunAttribute> attrs)
            throws IOException, StunDecodeException, TurnErrorException {
        if (nonce == null) {
            challenge();
        }
        StunMessage r = authenticated(method, attrs);
        if (r.messageClass() == MessageClass.ERROR_RESPONSE && ErrorCode.from(r).map(ErrorCode::code).orElse(0) == 438) {
            readChallenge(r);
            r = authenticated(method, attrs);
        }
        if (r.messageClass() == MessageClass.ERROR_RESPONSE) {
            throw new TurnErrorException(r, true);
        }
        return r;
    }

    private StunMessage authenticated(Method method, List<StunAttribute> attrs) throws IOException, StunDecodeException {
        StunMessage.Builder b = StunMessage.builder(new MessageType(method, MessageClass.REQUEST), TransactionId.random());
        b.addAll(attrs);
        String r = realm == null ? "" : realm;
        b.add(mode.userhash() ? Userhash.of(Integrity.userhash(username, r)) : new Username(username));
        b.add(new Realm(r)).add(new Nonce(nonce == null ? "" : nonce));
        if (offered != null) {
            // RFC 8489 section 9.2.3: echo the server's list, and name the algorithm chosen from it.
            b.add(offered).add(PasswordAlgorithm.of(algorithm));
        }
        byte[] k = key != null ? key : Integrity.longTermKey(algorithm, username, r, password);
        Protection p = algorithm == PasswordAlgorithm.SHA256 ? Protection.NONE.withIntegritySha256(k) : Protection.NONE.withIntegrity(k);
        return stun.transact(b.build(), p.withFingerprint());
    }

    /** Deletes the allocation (Refresh 0) if there is one, then closes the socket. Never throws. */
    @Override
    public void close() {
        try {
            if (relayed != null) {
                try {
                    request(Method.REFRESH, List.of(new Lifetime(0)));
                } catch (TurnErrorException e) {
                    // 437: already gone (a retransmitted Refresh 0 may get it). Nothing left to do.
                }
                relayed = null;
            }
        } catch (IOException | StunDecodeException | RuntimeException e) {
            // Best effort: the server expires it; over TCP closing the socket deletes it anyway.
        } finally {
            try {
                stun.close();
            } catch (IOException e) {
                // closing a socket: nothing to report
            }
        }
    }
}
