package org.turnctl.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.Method;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.Lifetime;
import org.turnctl.stun.attr.Nonce;
import org.turnctl.stun.attr.Realm;
import org.turnctl.stun.attr.RequestedTransport;
import org.turnctl.stun.attr.Username;
import org.turnctl.stun.attr.XorMappedAddress;
import org.turnctl.stun.attr.XorRelayedAddress;
import org.turnctl.stun.codec.ChannelData;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/**
 * The codec's hot operations. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar -prof gc} to see bytes allocated per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[] key;
    private ByteBuf allocateRequest;
    private StunMessage successResponse;
    private Protection responseProtection;
    private ByteBuf out;
    private ByteBuf channelDataDatagram;
    private ChannelData channelData;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        key = Integrity.longTermKeyMd5("alice", "example.org", "correct horse battery staple");
        StunMessage request = StunMessage.builder(new MessageType(Method.ALLOCATE, MessageClass.REQUEST), TransactionId.random())
                .add(new RequestedTransport(RequestedTransport.UDP))
                .add(new Lifetime(600))
                .add(new Username("alice"))
                .add(new Realm("example.org"))
                .add(new Nonce("obMatJos2AAAB1700000000:8f3a2c9d1e4b5a6f"))
                .build();
        allocateRequest = alloc.directBuffer(256);
        StunCodec.encode(request, Protection.NONE.withIntegrity(key).withFingerprint(), allocateRequest);

        InetSocketAddress relayed = new InetSocketAddress(InetAddress.getByName("203.0.113.10"), 50000);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 61000);
        successResponse = request.successResponse()
                .add(new XorRelayedAddress(relayed))
                .add(new XorMappedAddress(mapped))
                .add(new Lifetime(600))
                .build();
        responseProtection = Protection.NONE.withIntegrity(key).withFingerprint();
        out = alloc.directBuffer(256);

        channelDataDatagram = alloc.directBuffer(4 + 160);
        channelDataDatagram.writeShort(0x4001).writeShort(160).writeZero(160);
        channelData = new ChannelData(0x4001, alloc.directBuffer(160).writeZero(160));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocateRequest.release();
        out.release();
        channelDataDatagram.release();
        channelData.release();
    }

    /** Decode an authenticated Allocate request and verify its MESSAGE-INTEGRITY. */
    @Benchmark
    public boolean decodeAllocateAndVerifyIntegrity() throws StunDecodeException {
        StunMessage msg = StunCodec.decode(allocateRequest);
        return Integrity.verify(msg, key);
    }

    /** Encode an Allocate success response with MESSAGE-INTEGRITY and FINGERPRINT. */
    @Benchmark
    public int encodeAllocateSuccessWithIntegrityAndFingerprint() {
        out.clear();
        StunCodec.encode(successResponse, responseProtection, out);
        return out.readableBytes();
    }

    /** Parse a 160-byte-payload ChannelData datagram (a slice, no copy) and release it. */
    @Benchmark
    public int channelDataDecode() throws StunDecodeException {
        ChannelData cd = ChannelData.decode(channelDataDatagram);
        int n = cd.content().readableBytes();
        cd.release();
        return n;
    }

    /** Frame a 160-byte payload as ChannelData for a stream (header + payload + padding, no copy). */
    @Benchmark
    public void channelDataFrameForStream(Blackhole bh) {
        ByteBuf wire = channelData.toWire(alloc, true);
        bh.consume(wire.readableBytes());
        wire.release();
    }
}
