package io.camelllmproxy.metrics;

import io.camelllmproxy.events.RequestObserver;
import io.camelllmproxy.events.RequestRecord;
import io.camelllmproxy.usage.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The meters of finished requests: OpenTelemetry's GenAI server metrics (names and attributes of the semantic
 * conventions, which Prometheus writes as {@code gen_ai_server_request_duration_seconds{gen_ai_operation_name=...}}),
 * and the gateway's own counters per model, provider and key. Bucket boundaries are the ones the conventions
 * recommend, so dashboards made for them read ours. Nothing is recorded until {@link #bindTo} gave it a registry.
 */
public final class GenAiMetrics implements RequestObserver, MeterBinder {

    /** Histogram, seconds: from the request entering the gateway to its last byte. */
    static final String REQUEST_DURATION = "gen_ai.server.request.duration";
    /** Histogram, seconds: streams, until the first chunk was written to the client. */
    static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    /** Histogram, seconds: streams, per output token after the first. */
    static final String TIME_PER_OUTPUT_TOKEN = "gen_ai.server.time_per_output_token";
    /** Histogram of the tokens of one request, per token type (no unit: Prometheus would append it to the name). */
    static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    /** Counter of finished requests per model, provider, key name and HTTP status. */
    static final String REQUESTS = "llm.gateway.requests";
    /** Counter of tokens per model, provider, key name and type. */
    static final String TOKENS = "llm.gateway.tokens";
    /** Counter of USD spent per model, provider and key name. */
    static final String COST = "llm.gateway.cost.usd";

    static final String OPERATION = "gen_ai.operation.name";
    static final String PROVIDER_NAME = "gen_ai.provider.name";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String ERROR_TYPE = "error.type";
    static final String TOKEN_TYPE = "gen_ai.token.type";

    /** OpenTelemetry's advice for gen_ai.server.request.duration. */
    static final double[] DURATION_BUCKETS = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92};
    /** OpenTelemetry's advice for gen_ai.server.time_to_first_token. */
    static final double[] FIRST_TOKEN_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0};
    /** OpenTelemetry's advice for gen_ai.server.time_per_output_token. */
    static final double[] PER_TOKEN_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
            2.5};
    /** OpenTelemetry's advice for gen_ai.client.token.usage. */
    static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};

    private static final Duration[] DURATION_SLOS = durations(DURATION_BUCKETS);
    private static final Duration[] FIRST_TOKEN_SLOS = durations(FIRST_TOKEN_BUCKETS);
    private static final Duration[] PER_TOKEN_SLOS = durations(PER_TOKEN_BUCKETS);

    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void finished(RequestRecord record) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        String model = MetricLabels.model(record);
        String provider = MetricLabels.orEmpty(record.providerName());
        String keyName = MetricLabels.orEmpty(record.keyName());
        Tags genAi = Tags.of(OPERATION, record.operation(), PROVIDER_NAME, MetricLabels.orEmpty(record.providerType()),
                REQUEST_MODEL, model, RESPONSE_MODEL, MetricLabels.responseModel(record));
        Tags ours = Tags.of("model", model, "provider", provider, "key_name", keyName);

        timer(meters, REQUEST_DURATION, DURATION_SLOS, genAi.and(ERROR_TYPE, MetricLabels.errorType(record)))
                .record(record.latencyNanos(), TimeUnit.NANOSECONDS);
        Counter.builder(REQUESTS).tags(ours).tag("status", String.valueOf(record.status())).register(meters).increment();
        if (record.firstTokenNanos() != null) {
            timer(meters, TIME_TO_FIRST_TOKEN, FIRST_TOKEN_SLOS, genAi).record(record.firstTokenNanos(), TimeUnit.NANOSECONDS);
        }
        TokenUsage usage = record.usage();
        if (usage == null) {
            return;
        }
        if (record.firstTokenNanos() != null && MetricLabels.errorType(record).isEmpty() && usage.output() > 1) {
            long perToken = (record.latencyNanos() - record.firstTokenNanos()) / (usage.output() - 1);
            timer(meters, TIME_PER_OUTPUT_TOKEN, PER_TOKEN_SLOS, genAi).record(Math.max(0, perToken), TimeUnit.NANOSECONDS);
        }
        tokens(meters, genAi, ours, "input", usage.input());
        tokens(meters, genAi, ours, "output", usage.output());
        Counter.builder(COST).tags(ours).register(meters).increment(record.costUsd());
    }

    private static void tokens(MeterRegistry meters, Tags genAi, Tags ours, String type, long count) {
        DistributionSummary.builder(TOKEN_USAGE).tags(genAi).tag(TOKEN_TYPE, type)
                .serviceLevelObjectives(TOKEN_BUCKETS).register(meters).record(count);
        Counter.builder(TOKENS).tags(ours).tag("type", type).register(meters).increment(count);
    }

    private static Timer timer(MeterRegistry meters, String name, Duration[] buckets, Tags tags) {
        return Timer.builder(name).tags(tags).serviceLevelObjectives(buckets).register(meters);
    }

    private static Duration[] durations(double[] seconds) {
        return Arrays.stream(seconds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
