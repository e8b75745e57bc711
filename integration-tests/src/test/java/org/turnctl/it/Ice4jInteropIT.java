package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.ice.LoopbackHostHarvester;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;
import org.turnctl.testsupport.Await;

/**
 * A real ICE agent (Jitsi ice4j) against turnctl's server over UDP: each agent gathers a relayed
 * candidate from the server; each is told only the other's relayed candidates, so every
 * connectivity check and every datagram goes through the relay. ice4j's AWS and STUN mapping
 * harvesters are disabled (they would reach out of the machine) and its host candidate is on
 * 127.0.0.1 (its own host harvester skips loopback).
 */
class Ice4jInteropIT {
    private static final String REALM = "ice.test";
    private static TurnServer server;
    /** Listening and relaying on ::1 only, as on an IPv6-only host. */
    private static TurnServer v6Server;

    @BeforeAll
    static void start() throws Exception {
        // The STUN mapping harvester has no addresses by default (reference.conf); AWS must be off.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.use-ipv6", "false");
        System.setProperty("ice4j.software", "");
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, REALM,
                Map.of("ice", Integrity.longTermKeyMd5("ice", REALM, "ice-pass")), List.of(), List.of(), List.of(),
                true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM));
        InetAddress v6 = InetAddress.getByName("::1");
        v6Server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(v6, 0)), List.of(v6), Map.of(), 49152, 65535,
                REALM, Map.of("ice", Integrity.longTermKeyMd5("ice", REALM, "ice-pass")), List.of(), List.of(), List.of(),
                true, 0, 0, 3600, 600, false, 2, null, TimeSource.SYSTEM));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (v6Server != null) {
            v6Server.close();
        }
    }

    private static Agent agent(boolean controlling, TurnServer via, InetAddress host) throws Exception {
        Agent agent = new Agent();
        agent.setControlling(controlling);
        agent.setUseDynamicPorts(false);
        agent.addCandidateHarvester(new LoopbackHostHarvester(host));
        InetSocketAddress turn = via.udpAddresses().get(0);
        agent.addCandidateHarvester(new TurnCandidateHarvester(
                new TransportAddress(turn.getAddress(), turn.getPort(), Transport.UDP),
                new LongTermCredential("ice", "ice-pass")));
        IceMediaStream stream = agent.createMediaStream("data");
        agent.createComponent(stream, 0, 0, 0, KeepAliveStrategy.SELECTED_ONLY, true);
        return agent;
    }

    /** Tells {@code to} about {@code from}'s relayed candidates only. */
    private static void exchangeRelayed(Agent from, Agent to) {
        IceMediaStream fromStream = from.getStream("data");
        IceMediaStream toStream = to.getStream("data");
        toStream.setRemoteUfrag(from.getLocalUfrag());
        toStream.setRemotePassword(from.getLocalPassword());
        Component fromComponent = fromStream.getComponent(1);
        Component toComponent = toStream.getComponent(1);
        for (LocalCandidate c : fromComponent.getLocalCandidates()) {
            if (c.getType() == CandidateType.RELAYED_CANDIDATE) {
                toComponent.addRemoteCandidate(new RemoteCandidate(c.getTransportAddress(), toComponent, c.getType(),
                        c.getFoundation(), c.getPriority(), null));
            }
        }
    }

    private static boolean hasRelayed(Agent a) {
        return a.getStream("data").getComponent(1).getLocalCandidates().stream()
                .anyMatch(c -> c.getType() == CandidateType.RELAYED_CANDIDATE);
    }

    @Test
    void twoAgentsConnectThroughTheRelayAndExchangeData() throws Exception {
        connectThroughTheRelay(server, InetAddress.getLoopbackAddress());
    }

    /**
     * turn:[::1] to a relay with only an IPv6 address: ice4j asks for no address family, as
     * browsers do, and gets an IPv6 relayed candidate (the RFC's IPv4 default would have given it
     * 440 and no relay at all). Connectivity checks through it are not asserted: ice4j 3.2's
     * CreatePermission encodes an IPv6 XOR-PEER-ADDRESS with another transaction ID than the
     * request's (seen here: a permission for ::1 arrives as ::7cef:ca99:2f1a, the last six bytes
     * XORed with a different ID), so its IPv6 relayed pairs fail against any RFC 8489 server. IPv4
     * XORs only with the magic cookie, which is why the IPv4 test connects. coturn's uclient -x
     * and the probe relay IPv6 through the same server (Ipv6OnlyIT).
     */
    @Test
    void ice4jGetsAnIpv6RelayedCandidateFromAnIpv6OnlyRelay() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        Agent agent = agent(true, v6Server, v6);
        try {
            LocalCandidate relayed = agent.getStream("data").getComponent(1).getLocalCandidates().stream()
                    .filter(c -> c.getType() == CandidateType.RELAYED_CANDIDATE).findFirst()
                    .orElseThrow(() -> new AssertionError("no relayed candidate: "
                            + agent.getStream("data").getComponent(1).getLocalCandidates()));
            assertEquals(v6, relayed.getTransportAddress().getAddress());
            assertEquals(1, v6Server.allocationCount());
        } finally {
            org.turnctl.probe.ice.IceCheck.release(agent);
        }
        Await.until(Duration.ofSeconds(5), () -> v6Server.allocationCount() == 0);
        assertEquals(0, v6Server.allocationCount(), "ice4j released its allocation");
    }

    private static void connectThroughTheRelay(TurnServer server, InetAddress loopback) throws Exception {
        Agent left = agent(true, server, loopback);
        Agent right = agent(false, server, loopback);
        try {
            assertTrue(hasRelayed(left), "left gathered no relayed candidate: " + left.getStream("data").getComponent(1).getLocalCandidates());
            assertTrue(hasRelayed(right), "right gathered no relayed candidate");
            LocalCandidate relayed = left.getStream("data").getComponent(1).getLocalCandidates().stream()
                    .filter(c -> c.getType() == CandidateType.RELAYED_CANDIDATE).findFirst().orElseThrow();
            assertEquals(loopback, relayed.getTransportAddress().getAddress());
            assertTrue(server.allocationCount() >= 2);

            exchangeRelayed(left, right);
            exchangeRelayed(right, left);
            CountDownLatch done = new CountDownLatch(2);
            for (Agent a : List.of(left, right)) {
                a.addStateChangeListener(e -> {
                    if (Agent.PROPERTY_ICE_PROCESSING_STATE.equals(e.getPropertyName())
                            && ((IceProcessingState) e.getNewValue()).isEstablished()) {
                        done.countDown();
                    }
                });
            }
            long t0 = System.nanoTime();
            right.startConnectivityEstablishment();
            left.startConnectivityEstablishment();
            assertTrue(done.await(20, TimeUnit.SECONDS), "ICE did not complete: left " + left.getState() + ", right " + right.getState()
                    + "; left's checks " + left.getStream("data").getCheckList() + "; local " + left.getStream("data").getComponent(1)
                    .getLocalCandidates() + "; remote " + left.getStream("data").getComponent(1).getRemoteCandidates());
            long connectedMs = (System.nanoTime() - t0) / 1_000_000;

            CandidatePair leftPair = left.getStream("data").getComponent(1).getSelectedPair();
            CandidatePair rightPair = right.getStream("data").getComponent(1).getSelectedPair();
            assertNotNull(leftPair);
            assertNotNull(rightPair);
            assertEquals(CandidateType.RELAYED_CANDIDATE, leftPair.getRemoteCandidate().getType());
            assertEquals(CandidateType.RELAYED_CANDIDATE, rightPair.getRemoteCandidate().getType());

            // Data through the selected pair, both ways, over the component sockets.
            Component lc = left.getStream("data").getComponent(1);
            Component rc = right.getStream("data").getComponent(1);
            rc.getSocket().setSoTimeout(5000);
            lc.getSocket().setSoTimeout(5000);
            int received = 0;
            int n = 50;
            for (int i = 0; i < n; i++) {
                byte[] payload = ("ping " + i).getBytes();
                leftPair.getIceSocketWrapper().send(new DatagramPacket(payload, payload.length,
                        leftPair.getRemoteCandidate().getTransportAddress()));
                DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                rc.getSocket().receive(in);
                if (Arrays.equals(payload, Arrays.copyOf(in.getData(), in.getLength()))) {
                    received++;
                }
            }
            byte[] back = "pong".getBytes();
            rightPair.getIceSocketWrapper().send(new DatagramPacket(back, back.length,
                    rightPair.getRemoteCandidate().getTransportAddress()));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            lc.getSocket().receive(in);
            assertArrayEquals(back, Arrays.copyOf(in.getData(), in.getLength()));
            assertEquals(n, received);
            System.out.printf("ice4j: connected through turnctl (%s) in %d ms; pairs %s / %s; %d/%d datagrams echoed%n",
                    loopback.getHostAddress(), connectedMs, leftPair.toShortString(), rightPair.toShortString(), received, n);
        } finally {
            org.turnctl.probe.ice.IceCheck.release(left);
            org.turnctl.probe.ice.IceCheck.release(right);
        }
        Await.until(Duration.ofSeconds(5), () -> server.allocationCount() == 0);
        assertEquals(0, server.allocationCount(), "ice4j released its allocations");
    }
}
