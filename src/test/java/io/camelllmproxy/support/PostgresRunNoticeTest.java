package io.camelllmproxy.support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Says out loud, in the H2 run, whether the PostgreSQL run will follow: it is skipped (reported as such)
 * when no server is configured, so a green build never hides that PostgreSQL went untested.
 */
class PostgresRunNoticeTest {

    @Test
    void postgresRunIsConfigured() {
        boolean configured = System.getenv("LLM_TEST_PG_URL") != null && !System.getenv("LLM_TEST_PG_URL").isBlank();
        if (!configured && !TestDatabase.postgres()) {
            System.out.println("*** PostgreSQL tests SKIPPED: LLM_TEST_PG_URL is not set; the suite ran on H2 only."
                    + " Set LLM_TEST_PG_URL, LLM_TEST_PG_USER, LLM_TEST_PG_PASSWORD (or run .ci/run) to run it on PostgreSQL too. ***");
        }
        Assumptions.assumeTrue(configured, "PostgreSQL is not configured (LLM_TEST_PG_URL unset)");
    }
}
