package org.turnctl.probe.client;

import java.net.InetSocketAddress;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.attr.Data;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorPeerAddress;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * Loads and runs, in memory and untimed, the code every timed exchange goes through: the codec,
 * MESSAGE-INTEGRITY (the MD5 key and HMAC-SHA1 providers take tens of milliseconds to load the
 * first time), FINGERPRINT, SecureRandom transaction ids, and Send indications. Without it the
 * first allocation of a run would carry the JVM's class loading into "time to first packet".
 * Sockets and the server's side are warmed by an untimed exchange on the wire (see BindingCheck).
 */
public final class Warmup {
    private static volatile boolean done;

    private Warmup() {
    }

    /** Once per JVM; cheap after that. */
    public static void once() {
        if (done) {
            return;
        }
        synchronized (Warmup.class) {
            if (done) {
                return;
            }
            try {
                byte[] key = Integrity.longTermKeyMd5("warmup", "warmup.invalid", "warmup");
                InetSocketAddress peer = new InetSocketAddress("192.0.2.1", 9);
                StunMessage allocate = StunMessage.builder(Method.ALLOCATE, MessageClass.REQUEST)
                        .add(new RequestedTransport(RequestedTransport.UDP)).add(new Username("warmup"))
                        .add(new Realm("warmup.invalid")).add(new Nonce("warmup")).build();
                byte[] wire = StunCodec.toBytes(allocate, Protection.NONE.withIntegrity(key).withFingerprint());
                Integrity.verify(StunCodec.decode(wire), key);
                StunMessage send = StunMessage.builder(Method.SEND, MessageClass.INDICATION).add(new XorPeerAddress(peer))
                        .add(Data.of(new byte[24])).build();
                StunCodec.decode(StunCodec.toBytes(send, Protection.NONE));
            } catch (StunDecodeException e) {
                throw new IllegalStateException("the codec cannot read what it wrote", e);
            }
            done = true;
        }
    }
}
