package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.turnctl.probe.Prober;
import org.turnctl.probe.check.CheckResult;
import org.turnctl.probe.check.ProbeOptions;
import org.turnctl.probe.check.Verdict;
import org.turnctl.probe.client.IceServerUri;
import org.turnctl.probe.nat.NatCheck;
import org.turnctl.probe.nat.NatReport;
import org.turnctl.probe.report.TargetReport;
import org.turnctl.server.TurnServer;
import org.turnctl.server.config.ServerConfig;
import org.turnctl.server.config.TimeSource;
import org.turnctl.stun.codec.Integrity;

/**
 * The real nat check through a userland NAT in all nine mapping x filtering combinations, against
 * turnctl serve with --alt-listen (127.0.0.1 and 127.0.0.2; the NAT's public address 127.0.0.3).
 */
class NatBehaviourIT {
    private static TurnServer server;

    @BeforeAll
    static void start() throws Exception {
        int altPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
            altPort = s.getLocalPort();
        }
        server = TurnServer.start(new ServerConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                List.of(), Map.of(), 49152, 65535, "nat.test", Map.of("alice", Integrity.longTermKeyMd5("alice", "nat.test", "pw")),
                List.of(), List.of(), List.of(), true, 0, 0, 3600, 600, false, 1,
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), altPort), TimeSource.SYSTEM));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> combinations() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (UserlandNat.Mapping m : UserlandNat.Mapping.values()) {
            for (UserlandNat.Filtering f : UserlandNat.Filtering.values()) {
                b.add(Arguments.of(m, f));
            }
        }
        return b.build();
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase().replace('_', '-');
    }

    @ParameterizedTest(name = "{0} mapping, {1} filtering")
    @MethodSource("combinations")
    void natCheckNamesTheBehaviour(UserlandNat.Mapping m, UserlandNat.Filtering f) throws Exception {
        try (UserlandNat nat = new UserlandNat(InetAddress.getByName("127.0.0.3"), m, f)) {
            NatCheck.Outcome o = NatCheck.run(nat, server.udpAddresses().get(0), 2000, false);
            NatReport r = o.report();
            // None of these NATs hairpins, and some are symmetric: facts about the probe's network, a warning.
            assertEquals(CheckResult.Status.WARN, o.result().status(), o.result().cause());
            assertEquals(CheckResult.NETWORK, o.result().subject());
            assertTrue(o.result().cause().contains("no hairpinning: two callers behind this NAT reach each other only through a relay"),
                    o.result().cause());
            assertEquals(m != UserlandNat.Mapping.ENDPOINT_INDEPENDENT, o.result().cause().contains(
                    "a symmetric NAT (mapping " + name(m) + "): peers cannot reach this network's calls directly, every call from here needs a relay"),
                    o.result().cause());
            // Behind it, a healthy relay passes, with the warning; --strict-network fails it.
            IceServerUri uri = IceServerUri.parse("turn:127.0.0.1:3478");
            CheckResult relay = new CheckResult("relay", CheckResult.Status.PASS, "data flows", 1, java.util.Map.of());
            List<CheckResult> judged = Verdict.judge(uri, List.of(o.result(), relay), false);
            TargetReport target = new TargetReport(uri.text(), Verdict.of(judged, List.of()), judged, r, null, List.of());
            assertEquals("pass", target.verdict());
            assertEquals(1, target.warnings().size(), target.warnings().toString());
            assertTrue(target.warnings().get(0).startsWith("nat: mapping " + name(m)), target.warnings().toString());
            assertEquals("fail", Verdict.of(Verdict.judge(uri, List.of(o.result(), relay), true), List.of()));
            assertEquals(name(m), r.mapping());
            assertEquals(name(f), r.filtering());
            String classic = m != UserlandNat.Mapping.ENDPOINT_INDEPENDENT ? "symmetric" : switch (f) {
                case ENDPOINT_INDEPENDENT -> "full-cone";
                case ADDRESS_DEPENDENT -> "restricted-cone";
                case ADDRESS_AND_PORT_DEPENDENT -> "port-restricted-cone";
            };
            assertEquals(classic, r.classic());
            assertTrue(r.publicAddress().startsWith("127.0.0.3:"), r.publicAddress());
            assertEquals(Boolean.FALSE, r.hairpinning(), "this NAT does not hairpin");
            System.out.printf("nat %-27s %-27s -> %s / %s / %s%n", name(m), name(f), r.mapping(), r.filtering(), r.classic());
        }
    }

    @Test
    void withoutANatItIsOpenInternetThroughTheProber() throws Exception {
        int port = server.udpAddresses().get(0).getPort();
        ProbeOptions o = new ProbeOptions(null, null, 0, 0, null, 1, 1, 0, 2000, Set.of("binding", "nat"), 98, -1, -1, false);
        TargetReport r = Prober.probe(IceServerUri.parse("stun:127.0.0.1:" + port), o, n -> { });
        assertEquals("pass", r.verdict(), r.toString());
        assertEquals("no-nat", r.nat().mapping());
        assertEquals("endpoint-independent", r.nat().filtering());
        assertEquals("open-internet", r.nat().classic());
        assertFalse(r.nat().hairpinning() != null);
        assertTrue(r.nat().hairpinningNote().startsWith("not applicable: no NAT between the probe and the server"),
                r.nat().hairpinningNote());
    }

    @Test
    void hairpinningIsTestedBehindANatThatDoesIt() throws Exception {
        // RFC 5780 section 4.5: a Binding request to our own mapped address comes back to us.
        for (boolean hairpins : new boolean[] {true, false}) {
            try (UserlandNat nat = new UserlandNat(InetAddress.getByName("127.0.0.3"), UserlandNat.Mapping.ENDPOINT_INDEPENDENT,
                    UserlandNat.Filtering.ADDRESS_AND_PORT_DEPENDENT, hairpins)) {
                NatCheck.Outcome o = NatCheck.run(nat, server.udpAddresses().get(0), 2000, false);
                assertEquals(hairpins, o.report().hairpinning(), o.result().toString());
                assertEquals(hairpins ? CheckResult.Status.PASS : CheckResult.Status.WARN, o.result().status(), o.result().cause());
                assertEquals(String.valueOf(hairpins), o.result().details().get("hairpinning"));
            }
        }
    }
}
