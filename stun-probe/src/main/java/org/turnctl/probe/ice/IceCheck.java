package org.turnctl.probe.ice;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.Target;
import org.turnctl.probe.client.IceServerUri;

/**
 * {@code ice} (with --ice): two Jitsi ice4j agents gather relayed candidates from the target and
 * each is told only the other's relayed candidates, so ICE connectivity checks run as they would
 * for two WebRTC clients that both need the relay. Both must select a relay/relay pair and echo
 * at least 99% of the paced datagrams. UDP only: ice4j frames TURN over TCP the RFC 4571 way.
 */
public final class IceCheck {
    static final int DATAGRAMS = 100;
    static final String STREAM = "data";
    /** Strong references: java.util.logging forgets the level of a logger nobody holds. */
    private static final List<java.util.logging.Logger> QUIET = List.of(java.util.logging.Logger.getLogger(""),
            java.util.logging.Logger.getLogger("org.ice4j"), java.util.logging.Logger.getLogger("org.jitsi"));

    private IceCheck() {
    }

    public static CheckResult run(Target target) {
        if (target.uri().transport() != IceServerUri.Transport.UDP) {
            return CheckResult.skip("ice", "ice4j relays over UDP only (it frames TURN over TCP the RFC 4571 way)");
        }
        // Never reach out of the machine for mappings (before ice4j reads its configuration).
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.use-ipv6", "false");
        // ice4j and jitsi-utils log through java.util.logging (turnctl itself logs through
        // SLF4J): every candidate and state change at INFO, a shutdown race at WARNING. Keep the
        // probe's report readable: only SEVERE from them.
        for (java.util.logging.Logger l : QUIET) {
            l.setLevel(java.util.logging.Level.SEVERE);
        }
        long t0 = System.nanoTime();
        Map<String, Object> d = new LinkedHashMap<>();
        Agent left = null;
        Agent right = null;
        try {
            left = agent(target, true);
            right = agent(target, false);
            if (!hasRelayed(left) || !hasRelayed(right)) {
                return result(t0, CheckResult.Status.FAIL, "ice4j gathered no relayed candidate from the server", d);
            }
            exchangeRelayed(left, right);
            exchangeRelayed(right, left);
            CountDownLatch done = new CountDownLatch(2);
            for (Agent a : List.of(left, right)) {
                a.addStateChangeListener(e -> {
                    if (Agent.PROPERTY_ICE_PROCESSING_STATE.equals(e.getPropertyName())
                            && (((IceProcessingState) e.getNewValue()).isEstablished()
                            || e.getNewValue() == IceProcessingState.FAILED)) {
                        done.countDown();
                    }
                });
            }
            long start = System.nanoTime();
            right.startConnectivityEstablishment();
            left.startConnectivityEstablishment();
            boolean finished = done.await(Math.max(10_000, target.options().timeoutMs() * 3), TimeUnit.MILLISECONDS);
            double connectedMs = (System.nanoTime() - start) / 1e6;
            if (!finished || !left.getState().isEstablished() || !right.getState().isEstablished()) {
                return result(t0, CheckResult.Status.FAIL, "ICE did not connect through the relay (states "
                        + left.getState() + " / " + right.getState() + ")", d);
            }
            d.put("timeToConnectedMs", Math.round(connectedMs * 1000) / 1000.0);
            CandidatePair lp = left.getStream(STREAM).getComponent(1).getSelectedPair();
            CandidatePair rp = right.getStream(STREAM).getComponent(1).getSelectedPair();
            d.put("selectedPair", lp.toShortString());
            if (!isRelayRelay(lp) || !isRelayRelay(rp)) {
                return result(t0, CheckResult.Status.FAIL, "ICE selected " + lp.toShortString()
                        + ", not a relay/relay pair", d);
            }
            int echoed = echo(left, right, lp, target.options().intervalMs());
            d.put("datagrams", DATAGRAMS);
            d.put("echoed", echoed);
            if (echoed < DATAGRAMS * 99 / 100) {
                return result(t0, CheckResult.Status.FAIL, "only " + echoed + " of " + DATAGRAMS
                        + " datagrams came through the selected relay/relay pair", d);
            }
            return result(t0, CheckResult.Status.PASS, "ICE connected relay/relay in " + Math.round(connectedMs)
                    + " ms; " + echoed + "/" + DATAGRAMS + " datagrams through", d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(t0, CheckResult.Status.FAIL, "interrupted", d);
        } catch (Exception e) {
            return result(t0, CheckResult.Status.FAIL, "ice4j: " + e, d);
        } finally {
            release(left);
            release(right);
        }
    }

    /**
     * Agent.free() shuts its STUN stack down before it frees the candidates, so the relayed
     * candidates' Refresh(0) is never sent and the allocations linger until they expire.
     * Removing the streams first releases them while the stack still runs.
     */
    public static void release(Agent agent) {
        if (agent == null) {
            return;
        }
        for (IceMediaStream stream : List.copyOf(agent.getStreams())) {
            agent.removeStream(stream);
        }
        agent.free();
    }

    private static boolean isRelayRelay(CandidatePair p) {
        return p != null && p.getLocalCandidate().getType() == CandidateType.RELAYED_CANDIDATE
                && p.getRemoteCandidate().getType() == CandidateType.RELAYED_CANDIDATE;
    }

    /** Left sends numbered datagrams to right over the selected pair; counts what arrives intact. */
    private static int echo(Agent left, Agent right, CandidatePair pair, long intervalMs) throws Exception {
        Component rc = right.getStream(STREAM).getComponent(1);
        rc.getSocket().setSoTimeout(2000);
        int received = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            byte[] payload = ("turnctl-ice-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            pair.getIceSocketWrapper().send(new DatagramPacket(payload, payload.length,
                    pair.getRemoteCandidate().getTransportAddress()));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            try {
                rc.getSocket().receive(in);
                if (Arrays.equals(payload, Arrays.copyOf(in.getData(), in.getLength()))) {
                    received++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // lost: counted by not counting it
            }
            if (intervalMs > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(intervalMs * 1_000_000);
            }
        }
        return received;
    }

    private static Agent agent(Target target, boolean controlling) throws Exception {
        Agent agent = new Agent();
        agent.setControlling(controlling);
        InetSocketAddress turn = target.address();
        if (turn.getAddress().isLoopbackAddress()) {
            agent.setUseDynamicPorts(false);
            agent.addCandidateHarvester(new LoopbackHostHarvester(turn.getAddress()));
        }
        agent.addCandidateHarvester(new TurnCandidateHarvester(
                new TransportAddress(turn.getAddress(), turn.getPort(), Transport.UDP),
                new LongTermCredential(target.options().username(), target.options().password())));
        IceMediaStream stream = agent.createMediaStream(STREAM);
        agent.createComponent(stream, 0, 0, 0, KeepAliveStrategy.SELECTED_ONLY, true);
        return agent;
    }

    private static boolean hasRelayed(Agent a) {
        return a.getStream(STREAM).getComponent(1).getLocalCandidates().stream()
                .anyMatch(c -> c.getType() == CandidateType.RELAYED_CANDIDATE);
    }

    private static void exchangeRelayed(Agent from, Agent to) {
        IceMediaStream toStream = to.getStream(STREAM);
        toStream.setRemoteUfrag(from.getLocalUfrag());
        toStream.setRemotePassword(from.getLocalPassword());
        Component toComponent = toStream.getComponent(1);
        for (LocalCandidate c : from.getStream(STREAM).getComponent(1).getLocalCandidates()) {
            if (c.getType() == CandidateType.RELAYED_CANDIDATE) {
                toComponent.addRemoteCandidate(new RemoteCandidate(c.getTransportAddress(), toComponent, c.getType(),
                        c.getFoundation(), c.getPriority(), null));
            }
        }
    }

    private static CheckResult result(long t0, CheckResult.Status s, String cause, Map<String, Object> d) {
        return new CheckResult("ice", s, cause, (System.nanoTime() - t0) / 1_000_000, d);
    }
}
