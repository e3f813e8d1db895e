package io.camelllmproxy.config;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.spi.ExecutorServiceFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x with worker pools that grow with demand and shrink when idle. Vert.x's own pool is a fixed
 * thread pool, which starts a new thread for each task until it is full: sized for thousands of streams,
 * it ends up with thousands of threads (and their memory) after any burst, and spreads short requests over
 * cold threads. Here a task goes to the most recently idle thread, a thread is added only when all are
 * busy, and threads idle for {@link #KEEP_ALIVE_SECONDS} go away. The admission limit keeps demand below
 * the maximum, so the pool never has to refuse a task.
 */
public final class ElasticWorkerPool implements ExecutorServiceFactory {

    static final int KEEP_ALIVE_SECONDS = 30;
    private static final int CORE_THREADS = 8;

    private ElasticWorkerPool() {
    }

    public static Vertx vertx(VertxOptions options) {
        return new VertxBuilder(options).executorServiceFactory(new ElasticWorkerPool()).init().vertx();
    }

    @Override
    public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
        int max = Math.max(1, maxConcurrency != null ? maxConcurrency : concurrency);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(Math.min(CORE_THREADS, max), max, KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS, new SynchronousQueue<>(), threadFactory);
        pool.allowCoreThreadTimeOut(false);
        return pool;
    }
}
