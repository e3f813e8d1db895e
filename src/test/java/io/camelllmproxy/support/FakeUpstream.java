package io.camelllmproxy.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-process provider on loopback (Vert.x) that records every request it receives and answers with
 * whatever the test scripted: a JSON body, a paced SSE stream, or silence. It also notices when the
 * gateway drops a stream's connection before the stream ended.
 */
public final class FakeUpstream implements AutoCloseable {

    /** One request as the upstream saw it. */
    public record Received(String method, String path, String query, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** What to answer. */
    public sealed interface Reply permits Json, Sse, Stepped, Silence, Raw, Flood {
    }

    /** A body sent as it is, in pieces {@code intervalMs} apart (SSE with event lines, NDJSON, ...), with extra headers. */
    public record Raw(int status, String contentType, List<String> pieces, long intervalMs, Map<String, String> headers)
            implements Reply {
        public Raw(int status, String contentType, List<String> pieces, long intervalMs) {
            this(status, contentType, pieces, intervalMs, Map.of());
        }
    }

    public record Json(int status, String body, Map<String, String> headers) implements Reply {
    }

    /** Each event sent {@code intervalMs} after the previous one (the first after the head); {@code breakAfter} >= 0 resets the connection after that many. */
    public record Sse(List<String> events, long intervalMs, int breakAfter) implements Reply {
    }

    /**
     * Each event after the first is sent only once the test called {@link #step()} for it (and then
     * {@code intervalMs} later): a test that steps when its client has received the previous event proves the
     * gateway relays events one by one, whatever the machine's load, since a buffering gateway would stall it.
     */
    public record Stepped(List<String> events, long intervalMs) implements Reply {
    }

    public record Silence() implements Reply {
    }

    /**
     * {@code count} events of about {@code eventBytes} each, numbered in their content, written as fast as the
     * gateway reads them and no faster (the writer waits for the connection's drain): {@link #floodStalled()}
     * tells when the gateway stopped reading.
     */
    public record Flood(int count, int eventBytes) implements Reply {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<HttpServerResponse, io.vertx.core.http.HttpConnection> connections = new java.util.concurrent.ConcurrentHashMap<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Long> sentAtNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Reply reply = new Json(200, "{}", Map.of());
    /** Replies for the next requests, one each, before {@link #reply} answers the rest. */
    private final java.util.Queue<Reply> once = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Open connections, each with the number of its requests not yet answered. */
    private final Map<io.vertx.core.http.HttpConnection, java.util.concurrent.atomic.AtomicInteger> open =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger closedConnections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile CountDownLatch streamCutByGateway = new CountDownLatch(1);
    private volatile CountDownLatch streamFinished = new CountDownLatch(1);
    private final java.util.concurrent.Semaphore steps = new java.util.concurrent.Semaphore(0);
    private final java.util.concurrent.atomic.AtomicInteger floodSent = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean floodStalled;

    public FakeUpstream() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).connectionHandler(connection -> {
            open.put(connection, new java.util.concurrent.atomic.AtomicInteger());
            connection.closeHandler(v -> {
                open.remove(connection);
                closedConnections.incrementAndGet();
            });
        });
        CompletableFuture<Void> listening = new CompletableFuture<>();
        server.listen(0, "127.0.0.1").onComplete(ar -> {
            if (ar.succeeded()) {
                listening.complete(null);
            } else {
                listening.completeExceptionally(ar.cause());
            }
        });
        listening.get(10, TimeUnit.SECONDS);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public void reply(Reply next) {
        sentAtNanos.clear();
        steps.drainPermits();
        streamCutByGateway = new CountDownLatch(1);
        streamFinished = new CountDownLatch(1);
        this.reply = next;
        once.clear();
    }

    /** Answers the next request with {@code next} (queued behind earlier ones), then goes back to the standing reply. */
    public void replyOnce(Reply next) {
        once.add(next);
    }

    /** Requests received so far and not taken. */
    public int receivedCount() {
        return received.size();
    }

    public void replyJson(int status, String body) {
        reply(new Json(status, body, Map.of()));
    }

    public void replySse(List<String> events, long intervalMs) {
        reply(new Sse(events, intervalMs, -1));
    }

    /** The next request, waiting for it; fails the test when none arrives. */
    public Received take() throws InterruptedException {
        Received r = received.poll(30, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the fake upstream received no request");
        }
        return r;
    }

    /** When each event of the latest stream was written (System.nanoTime, the test's own clock). */
    public List<Long> sentAtNanos() {
        return List.copyOf(sentAtNanos);
    }

    /** Forgets what was received so far. */
    public void clearReceived() {
        received.clear();
    }

    public boolean receivedNothing() {
        return received.isEmpty();
    }

    /** Lets a {@link Stepped} stream send its next event. */
    public void step() {
        steps.release();
    }

    /** Waits until the gateway closed a stream's connection before the stream was over. */
    public boolean awaitStreamCut(long millis) throws InterruptedException {
        return streamCutByGateway.await(millis, TimeUnit.MILLISECONDS);
    }

    public boolean streamFinished() {
        return streamFinished.getCount() == 0;
    }

    /** How many connections to this upstream have closed, whichever side closed them. */
    public int closedConnections() {
        return closedConnections.get();
    }

    /** How many connections to this upstream are open now. */
    public int openConnections() {
        return open.size();
    }

    /**
     * Closes every keep-alive connection that has no request in progress, as a provider does when its idle
     * timeout passes, and returns once they are closed.
     */
    public int closeIdleConnections() throws Exception {
        List<io.vertx.core.Future<Void>> closing = new java.util.ArrayList<>();
        open.forEach((connection, busy) -> {
            if (busy.get() == 0) {
                closing.add(connection.close());
            }
        });
        io.vertx.core.Future.join(closing).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return closing.size();
    }

    private void handle(HttpServerRequest request) {
        java.util.concurrent.atomic.AtomicInteger busy = open.get(request.connection());
        if (busy != null) {
            busy.incrementAndGet();
            request.response().endHandler(v -> busy.decrementAndGet());
        }
        request.body().onSuccess(body -> {
            received.add(new Received(request.method().name(), request.path(), request.query(),
                    MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
            Reply queued = once.poll();
            Reply current = queued != null ? queued : reply;
            HttpServerResponse response = request.response();
            if (current instanceof Json json) {
                response.setStatusCode(json.status()).putHeader("Content-Type", "application/json");
                json.headers().forEach(response::putHeader);
                response.end(json.body());
            } else if (current instanceof Raw raw) {
                response.setStatusCode(raw.status()).setChunked(true).putHeader("Content-Type", raw.contentType());
                raw.headers().forEach(response::putHeader);
                sendRaw(response, raw, 0);
            } else if (current instanceof Sse sse) {
                connections.put(response, request.connection());
                stream(response, sse);
            } else if (current instanceof Flood flood) {
                response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
                floodSent.set(0);
                flood(response, flood);
            } else if (current instanceof Stepped stepped) {
                connections.put(response, request.connection());
                stream(response, new Sse(stepped.events(), stepped.intervalMs(), -1), true);
            }
        });
    }

    /** Events of a {@link Flood} written so far. */
    public int floodSent() {
        return floodSent.get();
    }

    /** Whether the flood is waiting for the gateway to read (its connection's write queue is full). */
    public boolean floodStalled() {
        return floodStalled;
    }

    private void flood(HttpServerResponse response, Flood flood) {
        floodStalled = false;
        String padding = "x".repeat(Math.max(0, flood.eventBytes() - 40));
        while (floodSent.get() < flood.count() && !response.closed()) {
            int n = floodSent.getAndIncrement();
            response.write("data: {\"n\":" + n + ",\"pad\":\"" + padding + "\"}\n\n");
            if (response.writeQueueFull()) {
                floodStalled = true;
                response.drainHandler(v -> flood(response, flood));
                return;
            }
        }
        if (!response.closed()) {
            response.end("data: [DONE]\n\n");
        }
    }

    private void sendRaw(HttpServerResponse response, Raw raw, int index) {
        if (response.closed()) {
            return;
        }
        if (index >= raw.pieces().size()) {
            response.end();
            return;
        }
        response.write(raw.pieces().get(index));
        vertx.setTimer(Math.max(1, raw.intervalMs()), id -> sendRaw(response, raw, index + 1));
    }

    private void stream(HttpServerResponse response, Sse sse) {
        stream(response, sse, false);
    }

    private void stream(HttpServerResponse response, Sse sse, boolean stepped) {
        CountDownLatch cut = streamCutByGateway;
        CountDownLatch finished = streamFinished;
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
        response.closeHandler(v -> {
            if (finished.getCount() > 0) {
                cut.countDown();
            }
        });
        response.write("");
        schedule(response, sse, 0, finished, stepped);
    }

    private void schedule(HttpServerResponse response, Sse sse, int index, CountDownLatch finished, boolean stepped) {
        if (stepped && index > 0 && index < sse.events().size() && !steps.tryAcquire()) {
            // polled on a timer: the event loop must never block on the test; the interval starts once stepped
            vertx.setTimer(2, id -> schedule(response, sse, index, finished, true));
            return;
        }
        if (sse.intervalMs() <= 0) {
            sendNext(response, sse, index, finished, stepped);
        } else {
            vertx.setTimer(sse.intervalMs(), id -> sendNext(response, sse, index, finished, stepped));
        }
    }

    private void sendNext(HttpServerResponse response, Sse sse, int index, CountDownLatch finished, boolean stepped) {
        if (response.closed()) {
            return;
        }
        if (index == sse.breakAfter()) {
            finished.countDown();
            // closes the connection after flushing what was written, without the terminating chunk
            connections.get(response).close();
            return;
        }
        if (index >= sse.events().size()) {
            finished.countDown();
            response.end();
            return;
        }
        response.write("data: " + sse.events().get(index) + "\n\n");
        sentAtNanos.add(System.nanoTime());
        schedule(response, sse, index + 1, finished, stepped);
    }

    @Override
    public void close() {
        server.close();
        vertx.close();
    }
}
