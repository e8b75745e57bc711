package org.turnctl.server.inbound;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Jazzer, coverage-guided, over the whole server but its sockets ({@link ServerFuzzHarness}).
 * The build fuzzes for 20 s (JAZZER_FUZZ=1); {@code mvn -Pfuzz test -pl turn-server} runs
 * {@link #forAsLongAsAsked} for {@code -Dfuzz.runs} executions. Without JAZZER_FUZZ both replay
 * the inputs in ServerFuzzTestInputs, where a crashing input, once found, stays as a regression input.
 */
class ServerFuzzTest {

    @FuzzTest(maxDuration = "20s")
    @DisabledIfSystemProperty(named = "turnctl.fuzz.long", matches = "true")
    void serverKeepsItsInvariants(byte[] program) {
        ServerFuzzHarness.run(program);
    }

    /** The -Pfuzz run: bounded by -runs (the profile's fuzz.runs), and by 8 hours. */
    @FuzzTest(maxDuration = "8h")
    @EnabledIfSystemProperty(named = "turnctl.fuzz.long", matches = "true")
    void forAsLongAsAsked(byte[] program) {
        ServerFuzzHarness.run(program);
    }
}
