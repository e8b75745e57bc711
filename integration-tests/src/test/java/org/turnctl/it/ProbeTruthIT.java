package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeDatagram;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.LossyLink;
import org.turnctl.testsupport.LossyLink.Behaviour;
import org.turnctl.testsupport.LossyLink.Direction;

/**
 * The probe's numbers held to what a real link did: {@link LossyLink} between the probe and an
 * in-process turnctl server, with loss and delay each way and counters of what it really dropped.
 * A healthy relay behind a lossy path must pass; the echo loss the probe reports must be what the
 * link dropped; RTTs must read the delay that was added.
 */
class ProbeTruthIT {
    private static final String REALM = "truth.test";
    private static final byte[] ECHO_MAGIC = ByteBuffer.allocate(8).putLong(ProbeDatagram.ECHO).array();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private TurnServer server() throws Exception {
        TurnServer s = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM, Map.of("alice", Integrity.longTermKeyMd5("alice", REALM, "secret")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM));
        open.add(s::close);
        return s;
    }

    private LossyLink link(TurnServer s, Behaviour each) throws Exception {
        LossyLink l = LossyLink.open(s.udpAddresses().get(0), each, each, 20261130L,
                d -> LossyLink.contains(d, ECHO_MAGIC));
        open.add(l);
        return l;
    }

    private static ProbeOptions options(int count, int concurrency) {
        // The CLI's defaults but for count and concurrency: 20 ms between echoes (a media stream's pacing), 5 s timeout.
        return new ProbeOptions("alice", "secret", 0, 0, null, count, concurrency, 20, 5000, Set.of(), 98, -1, -1, false, null,
                20);
    }

    private static Map<String, CheckResult> byName(TargetReport r) {
        return r.checks().stream().collect(Collectors.toMap(CheckResult::name, c -> c));
    }

    @SuppressWarnings("unchecked")
    private static long relayEchoes(TargetReport r, String key) {
        Map<String, Object> d = byName(r).get("relay").details();
        return ((Number) ((Map<String, Object>) d.get("sendData")).get(key)).longValue()
                + ((Number) ((Map<String, Object>) d.get("channelData")).get(key)).longValue();
    }

    @ParameterizedTest(name = "{0}% loss each way")
    @ValueSource(ints = {0, 2, 5, 10})
    void aHealthyRelayBehindALossyLinkPassesAndTheLossIsTheLinks(int lossPct) throws Exception {
        TurnServer s = server();
        LossyLink link = link(s, Behaviour.loss(lossPct / 100.0));
        TargetReport r = Prober.probe(IceServerUri.parse("turn:127.0.0.1:" + link.address().getPort()), options(10, 4), n -> { });

        assertEquals("pass", r.verdict(), r.toString());
        assertEquals(100.0, r.success().ratePct(), r.success().toString());

        // What the link really did to the echoes (the relay check's and the success run's).
        LossyLink.Counters up = link.counters(Direction.UP);
        LossyLink.Counters down = link.counters(Direction.DOWN);
        long sent = r.success().echoesSent() + relayEchoes(r, "packets");
        long lost = r.success().echoesLost() + relayEchoes(r, "lost");
        assertEquals(10 * 20 + 2 * 20, sent);
        double pUp = (double) up.markedDropped() / (up.markedDropped() + up.markedForwarded());
        double pDown = (double) down.markedDropped() / (down.markedDropped() + down.markedForwarded());
        // An echo crosses the link four times (A up, B down, B up, A down) and is lost if any crossing drops it.
        double q = 1 - Math.pow(1 - pUp, 2) * Math.pow(1 - pDown, 2);
        double half = 1.96 * Math.sqrt(sent * q * (1 - q));
        System.out.printf("%d%% each way: link dropped %s up, %s down; probe echoes %d sent, %d lost (%.1f%%); "
                + "expected %.1f +- %.1f; success %s, first-packet retransmissions %d%n", lossPct, up, down, sent, lost,
                100.0 * lost / sent, sent * q, half, r.success().ratePct(), r.success().firstPacketRetransmissions());
        assertTrue(Math.abs(lost - sent * q) <= half + 1e-9,
                "echo loss " + lost + "/" + sent + " outside the binomial 95% interval " + sent * q + " +- " + half);
        // Each lost echo is one datagram the link dropped (nothing else loses or delays them here).
        assertEquals(up.markedDropped() + down.markedDropped(), lost, "lost echoes vs echo datagrams the link dropped");
        if (lossPct == 0) {
            assertEquals(0, lost);
            assertEquals(0, r.success().firstPacketRetransmissions());
        }
    }

    @Test
    void rttsReadTheDelayTheLinkAdded() throws Exception {
        TurnServer s = server();
        LossyLink link = link(s, Behaviour.delayMs(20));
        // One attempt at a time: on a 2-core test machine, parallel attempts (each with its threads,
        // the link's and the server's) would add their own scheduling delays to what is measured.
        TargetReport r = Prober.probe(IceServerUri.parse("turn:127.0.0.1:" + link.address().getPort()), options(4, 1), n -> { });
        assertEquals("pass", r.verdict(), r.toString());

        double binding = ((Number) byName(r).get("binding").details().get("rttMs")).doubleValue();
        double echo = r.success().rttP50();
        System.out.printf("20 ms each way (the link really held %.3f ms up, %.3f ms down): binding RTT %.3f ms (2D = 40), "
                + "echo RTT p50 %.3f ms p90 %.3f ms (4D = 80)%n", link.counters(Direction.UP).meanDelayMs(),
                link.counters(Direction.DOWN).meanDelayMs(), binding, echo, r.success().rttP90());
        assertWithin(40, binding, "binding RTT");
        assertWithin(80, echo, "relay echo RTT p50");
    }

    /** Within 1 ms + 5% of what the link added, as the issue sets the bar. */
    private static void assertWithin(double expected, double actual, String what) {
        double tolerance = 1 + 0.05 * expected;
        assertTrue(Math.abs(actual - expected) <= tolerance, what + " " + actual + " ms, expected " + expected + " +- "
                + tolerance);
    }
}
