package io.camelllmproxy.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stream probe's arithmetic: pooled rounds and the share of chunks delivered bunched. */
class BenchClientTest {

    private static final long MS = 1_000_000L;

    @Test
    void chunksUnderAFifthOfTheSendIntervalCountAsBunched() {
        BenchClient.Run run = run(new long[] {0, 1 * MS, 9 * MS, 11 * MS, 49 * MS, 50 * MS, 51 * MS, 120 * MS});

        // 0, 1 and 9 ms are under 10 ms (a fifth of 50 ms); 11 ms and more are not
        assertEquals(37.5, run.bunchedPercent(), 1e-9);
    }

    @Test
    void pooledRoundsAddTheirCountsAndMergeTheirSamplesSorted() {
        BenchClient.Run pooled = BenchClient.Run.pool(run(new long[] {5 * MS, 50 * MS}), run(new long[] {1 * MS, 60 * MS}));

        assertArrayEquals(new long[] {1 * MS, 5 * MS, 50 * MS, 60 * MS}, pooled.gaps());
        assertEquals(4, pooled.completed());
        assertEquals(2, pooled.lost());
    }

    private static BenchClient.Run run(long[] gaps) {
        return new BenchClient.Run(2, "s-100-50", 2, 0, 1, 0, new long[] {10 * MS, 20 * MS}, gaps, 5.0, new long[0]);
    }
}
