package io.camelllmproxy.tracing;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The standalone's traces: when the standard OpenTelemetry settings ask for a trace exporter, an OpenTelemetry SDK
 * is built from them (OTEL_* environment variables or otel.* system properties) and its tracer handed to
 * camel-opentelemetry2 as a bean. The SDK is never made the global one, and it is flushed and closed when the
 * gateway stops. A host never comes here: it traces with its own tracer, if any.
 */
public final class StandaloneTracing {

    /** The property application.properties turns camel-opentelemetry2 on with. */
    public static final String ENABLED = "llm.tracing.enabled";

    /**
     * What the SDK uses unless an OTEL_* setting says otherwise: traces only, over OTLP/HTTP (the JDK sender), and
     * only the trace context passed on to providers: W3C baggage would carry the client's (and Camel's) entries to a
     * third party.
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "camel-llm-proxy",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.propagators", "tracecontext",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    private StandaloneTracing() {
    }

    /**
     * Whether the settings ask for traces: an exporter named in otel.traces.exporter (other than none) and the SDK
     * not disabled. Unset means off, unlike the SDK's own default (otlp): a gateway does not send spans to a
     * collector nobody configured.
     */
    static boolean requested(UnaryOperator<String> setting) {
        String exporter = setting.apply("otel.traces.exporter");
        String disabled = setting.apply("otel.sdk.disabled");
        return exporter != null && !exporter.isBlank() && !exporter.trim().equalsIgnoreCase("none")
                && !"true".equalsIgnoreCase(disabled == null ? null : disabled.trim());
    }

    /** An otel.* setting as the SDK reads it: the system property, else the OTEL_* environment variable. */
    static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }

    /** Turns tracing on in {@code main} when the settings ask for it; returns whether it did. */
    public static boolean install(Main main) {
        if (!requested(StandaloneTracing::setting)) {
            return false;
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> DEFAULTS)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        main.bind("llm-otel-tracer", sdk.getTracer("camel"));
        main.bind("llm-otel-propagators", sdk.getPropagators());
        main.addInitialProperty(ENABLED, "true");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStop(BaseMainSupport stopped) {
                // the batch processor still holds the last spans: send them before the JVM goes
                sdk.close();
            }
        });
        return true;
    }
}
