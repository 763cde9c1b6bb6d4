package io.mediaplane.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for everything that parses RTCP from outside: the compound iterator in both modes and every typed
 * view, with all their accessors and the NACK / transport-cc cursors ({@link RtcpExercise} holds the invariants).
 * Replays the seed inputs under {@code RtcpFuzzTestInputs/compound/} in every test run; fuzzes with JAZZER_FUZZ=1.
 */
class RtcpFuzzTest {
    private final RtcpExercise exercise = new RtcpExercise();

    @FuzzTest(maxDuration = "20s")
    void compound(byte[] data) {
        exercise.run(data);
    }
}
