package io.camelllmproxy.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Binds the gateway's meters to the MeterRegistry camel-micrometer uses, once the context has started (camel-main
 * creates that registry while it starts, after the gateway configured itself). A host's registry is used as it is;
 * without one the gateway's meters stay off. No registry is ever made here, and never a global one.
 */
public final class MeterRegistryBinding implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(MeterRegistryBinding.class);

    private final List<MeterBinder> binders;
    private volatile MeterRegistry bound;

    public MeterRegistryBinding(List<MeterBinder> binders) {
        this.binders = List.copyOf(binders);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (bound != null) {
            return;
        }
        MeterRegistry registry = MicrometerUtils.getMeterRegistryFromCamelRegistry(context.getRegistry(),
                MicrometerConstants.METRICS_REGISTRY_NAME);
        if (registry == null) {
            LOG.info("No Micrometer MeterRegistry in the Camel registry: the gateway's metrics are off (camel.metrics.enabled)");
            return;
        }
        binders.forEach(binder -> binder.bindTo(registry));
        bound = registry;
    }

    /** The registry the meters were bound to; null before the start or without one. */
    public MeterRegistry registry() {
        return bound;
    }
}
