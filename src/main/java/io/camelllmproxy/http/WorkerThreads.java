package io.camelllmproxy.http;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads the gateway's routes start on ({@link GatewayWorkers}). A request holds one only while a step
 * blocks (a plain answer's provider call above all; an open stream holds none), so on JDK 21 and later they are
 * virtual threads: a blocked call costs no stack and no pool slot. On JDK 17 a pool of platform threads that
 * grows with demand, one per admitted request at most, idle ones gone after 30 s.
 */
public final class WorkerThreads {

    private static final String NAME = "llm-http-worker";

    private WorkerThreads() {
    }

    public static ExecutorService create(CamelContext context, Object owner, int maxConcurrent) {
        ExecutorService virtual = virtualThreads();
        if (virtual == null) {
            return context.getExecutorServiceManager().newThreadPool(owner, NAME,
                    new ThreadPoolProfileBuilder(NAME).poolSize(8).maxPoolSize(maxConcurrent + 16)
                            .keepAliveTime(30L, TimeUnit.SECONDS).maxQueueSize(0).allowCoreThreadTimeOut(true)
                            .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
        }
        // Camel's manager shuts down the pools it made; this one goes with the context the same way
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    virtual.shutdown();
                }
            }, true, true);
        } catch (Exception e) {
            virtual.shutdown();
            throw new IllegalStateException("could not register the gateway's worker threads with Camel", e);
        }
        return virtual;
    }

    /** A thread per task, virtual, named as the pool's threads are; null before JDK 21. */
    static ExecutorService virtualThreads() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Object ofVirtual = lookup.findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual"))).invoke();
            Object named = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class, long.class))
                    .invoke(ofVirtual, NAME + "-", 0L);
            ThreadFactory factory = (ThreadFactory) lookup.findVirtual(builder, "factory",
                    MethodType.methodType(ThreadFactory.class)).invoke(named);
            return (ExecutorService) lookup.findStatic(java.util.concurrent.Executors.class, "newThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class, ThreadFactory.class)).invoke(factory);
        } catch (Throwable e) {
            throw new IllegalStateException("JDK " + Runtime.version() + " has no virtual threads as JDK 21 defined them", e);
        }
    }
}
