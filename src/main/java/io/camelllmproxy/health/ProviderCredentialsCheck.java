package io.camelllmproxy.health;

import io.camelllmproxy.registry.CredentialHealth;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;

/**
 * {@code llm-provider-credentials}: DOWN while an enabled provider's stored key does not decrypt (a wrong
 * {@code AUTH_ENCRYPTION_SECRET}), naming the providers, never a key. Disabled providers with such a key are
 * listed without making it DOWN. The same verdict as the gateway's own health answer ({@code llm.http.health-path}).
 */
public class ProviderCredentialsCheck extends AbstractHealthCheck {

    public static final String ID = "llm-provider-credentials";

    private final CredentialHealth credentials;

    public ProviderCredentialsCheck(CredentialHealth credentials) {
        super("llm", ID);
        this.credentials = credentials;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!credentials.checked()) {
            builder.message("The model registry has not been loaded yet");
            builder.down();
            return;
        }
        List<CredentialHealth.Unreadable> unreadable = credentials.unreadable();
        if (!unreadable.isEmpty()) {
            builder.detail("unreadable.providers", String.join(",", unreadable.stream()
                    .map(u -> u.provider() + (u.enabled() ? "" : " (disabled)")).toList()));
        }
        List<CredentialHealth.Unreadable> enabled = credentials.unreadableEnabled();
        if (enabled.isEmpty()) {
            builder.up();
        } else {
            builder.message("Stored provider keys do not decrypt with the configured AUTH_ENCRYPTION_SECRET: "
                    + String.join(", ", enabled.stream().map(CredentialHealth.Unreadable::provider).toList()));
            builder.down();
        }
    }
}
