package io.camelllmproxy.usage;

import io.camelllmproxy.events.RequestObserver;
import io.camelllmproxy.events.RequestRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The usage ledger's queue: one {@code llm_usage} row per finished request, kept in memory off the request path
 * and written in batches by the route {@code llm-usage-write} (routes/usage-ledger.camel.yaml). A batch stays
 * here until the database took it, so while the database is down rows wait and are retried; only when
 * {@code queue-size} rows wait besides the batch being written are new rows dropped, each one counted
 * ({@link #dropped()}) and each burst of drops logged once. When the gateway stops, what is queued is written
 * within a bounded wait.
 * <p>
 * A batch that the database took but whose acknowledgement was lost (the connection cut mid-commit) is written
 * again: rows are written at least once.
 */
public final class UsageLedger extends ServiceSupport implements RequestObserver {

    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);

    /** The insert the route and the final flush run (the same endpoint as in usage-ledger.camel.yaml). */
    public static final String INSERT_URI = "llm-sql:classpath:camel-llm-proxy/sql/usage-insert.sql?batch=true";

    /** Column widths of llm_usage (V4): longer text is cut, so no row can fail its whole batch forever. */
    private static final int ID_WIDTH = 128;
    private static final int SHORT_WIDTH = 32;
    private static final int KEY_ID_WIDTH = 64;
    private static final int NAME_WIDTH = 255;
    private static final int DEPLOYMENT_WIDTH = 512;

    /**
     * After a failed write the next waits this long: a database that is down is not hammered, and the pool, which
     * tests a connection only when it was idle for more than 500 ms, tests the one that failed before it is reused.
     */
    static final long RETRY_BACKOFF_NANOS = 1_000_000_000L;

    private final CamelContext context;
    private final BlockingQueue<Map<String, Object>> queue;
    private final int batchSize;
    private final long stopWaitMillis;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInBurst = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile long retryAt = System.nanoTime();
    // guarded by this: the batch being written, kept until the database took it
    private List<Map<String, Object>> pending = List.of();
    private Producer finalFlush;

    /**
     * @param queueSize      rows kept waiting besides the batch being written
     * @param batchSize      rows per insert batch
     * @param stopWaitMillis how long the gateway's stop waits for queued rows to be written
     */
    public UsageLedger(CamelContext context, int queueSize, int batchSize, long stopWaitMillis) {
        this.context = context;
        this.queue = new LinkedBlockingQueue<>(Math.max(1, queueSize));
        this.batchSize = Math.max(1, batchSize);
        this.stopWaitMillis = stopWaitMillis;
    }

    @Override
    public void finished(RequestRecord record) {
        if (queue.offer(row(record))) {
            return;
        }
        dropped.incrementAndGet();
        if (droppedInBurst.getAndIncrement() == 0) {
            LOG.warn("Usage ledger full ({} rows wait for the database): rows of finished requests are dropped until it drains",
                    queue.size());
        }
    }

    /** Rows dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Rows waiting to be written, the batch being written included. */
    public synchronized int waiting() {
        return pending.size() + queue.size();
    }

    /** Whether a batch is waiting to be written. */
    public synchronized boolean hasRows() {
        return !pending.isEmpty() || !queue.isEmpty();
    }

    /** Whether a batch is waiting and may be written now (not within the back-off after a failed write). */
    public boolean due() {
        return hasRows() && System.nanoTime() - retryAt >= 0;
    }

    /** The batch to write: the one that failed last time, else up to batch-size queued rows. */
    public synchronized List<Map<String, Object>> batch() {
        if (pending.isEmpty()) {
            List<Map<String, Object>> next = new ArrayList<>(Math.min(batchSize, queue.size()));
            queue.drainTo(next, batchSize);
            pending = next;
        }
        return pending;
    }

    /** The database took the batch. */
    public void written() {
        int rows;
        synchronized (this) {
            rows = pending.size();
            pending = List.of();
        }
        if (failing.compareAndSet(true, false)) {
            LOG.info("Usage ledger writes again ({} rows in the batch that had failed)", rows);
        }
        long burst = droppedInBurst.getAndSet(0);
        if (burst > 0) {
            LOG.warn("Usage ledger dropped {} rows while full ({} since start)", burst, dropped.get());
        }
    }

    /** The batch failed: it stays to be retried; one line per outage, not per attempt. */
    public void failed(Throwable cause) {
        retryAt = System.nanoTime() + RETRY_BACKOFF_NANOS;
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Usage ledger cannot write, {} rows wait and are retried: {}", waiting(),
                    cause == null ? "unknown" : cause.getMessage());
        }
    }

    @Override
    protected void doStart() throws Exception {
        Endpoint endpoint = context.getEndpoint(INSERT_URI);
        finalFlush = endpoint.createProducer();
        ServiceHelper.startService(finalFlush);
    }

    /**
     * Camel stops the routes (and so the requests that make rows) before the services it was given, and the
     * components after them: the rows left are written here, through a producer of our own, within the wait.
     */
    @Override
    protected void doStop() {
        long deadline = System.nanoTime() + stopWaitMillis * 1_000_000;
        try {
            while (hasRows() && System.nanoTime() < deadline) {
                Exchange exchange = new DefaultExchange(context);
                exchange.getMessage().setBody(batch());
                finalFlush.process(exchange);
                if (exchange.getException() != null) {
                    failed(exchange.getException());
                    break;
                }
                written();
            }
        } catch (Exception e) {
            failed(e);
        } finally {
            ServiceHelper.stopService(finalFlush);
        }
        int left = waiting();
        if (left > 0) {
            LOG.warn("Usage ledger stopped with {} rows not written", left);
        }
    }

    /** The llm_usage row of a record, keyed by the insert's parameter names. */
    static Map<String, Object> row(RequestRecord record) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("created_at", record.startedAt().atOffset(ZoneOffset.UTC));
        row.put("request_id", text(record.requestId(), ID_WIDTH));
        row.put("operation", text(record.operation(), SHORT_WIDTH));
        row.put("key_id", text(record.keyId(), KEY_ID_WIDTH));
        row.put("key_name", text(record.keyName(), NAME_WIDTH));
        row.put("requested_model", text(record.requestedModel(), NAME_WIDTH));
        row.put("model_group", text(record.group(), NAME_WIDTH));
        row.put("deployment", text(record.deployment(), DEPLOYMENT_WIDTH));
        row.put("provider", text(record.providerName(), NAME_WIDTH));
        row.put("provider_type", text(record.providerType(), SHORT_WIDTH));
        row.put("model_id", text(record.modelId(), NAME_WIDTH));
        row.put("response_model", text(record.responseModel(), NAME_WIDTH));
        row.put("streamed", record.stream());
        row.put("status", record.status());
        row.put("error_code", text(record.errorCode(), KEY_ID_WIDTH));
        TokenUsage usage = record.usage();
        row.put("input_tokens", usage == null ? null : usage.input());
        row.put("output_tokens", usage == null ? null : usage.output());
        row.put("cached_tokens", usage == null ? null : usage.cached());
        row.put("reasoning_tokens", usage == null ? null : usage.reasoning());
        row.put("cost_usd", BigDecimal.valueOf(record.costUsd()));
        row.put("priced", record.priced());
        row.put("latency_ms", record.latencyNanos() / 1_000_000);
        row.put("ttft_ms", record.firstTokenNanos() == null ? null : record.firstTokenNanos() / 1_000_000);
        row.put("attempts", record.attempts());
        return row;
    }

    /**
     * Text as a column takes it: at most {@code width} characters, control characters (PostgreSQL refuses NUL in
     * text) as '?'. A client's model name is free text.
     */
    static String text(String value, int width) {
        if (value == null) {
            return null;
        }
        String cut = value.length() > width ? value.substring(0, width) : value;
        StringBuilder out = null;
        for (int i = 0; i < cut.length(); i++) {
            if (Character.isISOControl(cut.charAt(i))) {
                if (out == null) {
                    out = new StringBuilder(cut);
                }
                out.setCharAt(i, '?');
            }
        }
        return out == null ? cut : out.toString();
    }
}
