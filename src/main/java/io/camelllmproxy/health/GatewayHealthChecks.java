package io.camelllmproxy.health;

import io.camelllmproxy.registry.CredentialHealth;
import io.camelllmproxy.registry.ModelResolver;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;

import javax.sql.DataSource;
import java.util.List;

/**
 * Binds the gateway's checks as beans. Camel's health registry collects every {@link HealthCheck} bean of the
 * context (its {@code registry-health-check-repository}) whenever a health endpoint asks, so the checks need no
 * property of ours and show wherever the context's health is reported.
 */
public final class GatewayHealthChecks {

    private GatewayHealthChecks() {
    }

    public static List<HealthCheck> bind(CamelContext context, DataSource registryDatabase, int databaseTimeoutSeconds,
                                         ModelResolver resolver, long snapshotMaxAgeMillis, CredentialHealth credentials) {
        List<HealthCheck> checks = List.of(
                new RegistryDatabaseCheck(registryDatabase, databaseTimeoutSeconds),
                new RegistrySnapshotCheck(resolver, snapshotMaxAgeMillis),
                new ProviderCredentialsCheck(credentials),
                new GatewayRoutesCheck(context));
        for (HealthCheck check : checks) {
            if (check instanceof org.apache.camel.CamelContextAware aware) {
                aware.setCamelContext(context);
            }
            context.getRegistry().bind(check.getId() + "-health-check", check);
        }
        return checks;
    }
}
