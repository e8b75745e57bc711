package org.turnctl.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The mutation test's property under Jazzer's coverage-guided fuzzing. The build runs it in
 * fuzzing mode for a short bounded time (JAZZER_FUZZ=1 and maxDuration); without JAZZER_FUZZ it
 * replays the seed inputs in CodecFuzzTestInputs. A finding fails the build and Jazzer saves the
 * crashing input next to the seeds, where it then stays as a regression input.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void decodeIsTotal(byte[] input) {
        DecodeProperty.check(input);
    }
}
