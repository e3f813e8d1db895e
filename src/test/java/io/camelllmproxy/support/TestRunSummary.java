package io.camelllmproxy.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints one closing line per test run, {@code h2: N passed, N failed, N skipped}, so that {@code mvn -q test}
 * (which silences Surefire's own summary) still says how the run ended. Registered through
 * META-INF/services; counts tests, not containers, except a container that failed as a whole (a
 * {@code @BeforeAll} that threw) counts as one failure, since its tests never ran; an aborted test is skipped.
 */
public final class TestRunSummary implements TestExecutionListener {

    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            skipped.incrementAndGet();
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (test.isTest()) {
                    passed.incrementAndGet();
                }
            }
            // an assumption that did not hold (a run without PostgreSQL, say) skips, as Surefire reports it
            case ABORTED -> {
                if (test.isTest()) {
                    skipped.incrementAndGet();
                }
            }
            case FAILED -> failed.incrementAndGet();
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        // a run in a JVM of its own (the Spring Boot hosts) names itself, so its line is not taken for the H2 run's
        String run = System.getProperty("llm.test.run", TestDatabase.postgres() ? "postgresql" : "h2");
        System.out.println(run + ": " + passed + " passed, " + failed + " failed, "
                + skipped + " skipped");
    }
}
