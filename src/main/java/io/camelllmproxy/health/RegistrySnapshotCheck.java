package io.camelllmproxy.health;

import io.camelllmproxy.registry.ModelResolver;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code llm-registry-snapshot}: requests are served from the in-memory registry snapshot, so it must have been
 * loaded, and reloaded within {@code maxAgeMillis}: an older one may still serve a model or key removed since.
 */
public class RegistrySnapshotCheck extends AbstractHealthCheck {

    public static final String ID = "llm-registry-snapshot";

    private final ModelResolver resolver;
    private final long maxAgeMillis;

    public RegistrySnapshotCheck(ModelResolver resolver, long maxAgeMillis) {
        super("llm", ID);
        this.resolver = resolver;
        this.maxAgeMillis = maxAgeMillis;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("max.age.ms", maxAgeMillis);
        long loadedAt = resolver.lastLoadNanos();
        if (loadedAt == ModelResolver.NEVER_LOADED) {
            builder.message("The model registry has not been loaded yet");
            builder.down();
            return;
        }
        long age = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadedAt);
        builder.detail("age.ms", age);
        if (age > maxAgeMillis) {
            builder.message("The registry snapshot was last reloaded " + age + " ms ago (allowed: " + maxAgeMillis
                    + " ms); reloads are failing");
            builder.down();
        } else {
            builder.up();
        }
    }
}
