package io.camelllmproxy.health;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleResolver;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;
import org.apache.camel.support.PluginHelper;

import java.util.Set;

/**
 * The standalone app's developer console registry: only consoles that show routes, traffic and the runtime are
 * registered. Camel's others print bean properties (the data source's password), JVM arguments and system
 * properties unmasked, evaluate expressions ({@code {{llm.crypto.secret}}}) or send messages to any endpoint,
 * which would turn the admin token into the provider keys. The event console is left out too: it holds on to the
 * last exchanges, request bodies and all.
 */
public class StandaloneDevConsoles extends DefaultDevConsoleRegistry {

    /** Console ids that never show a secret nor run anything. */
    static final Set<String> ALLOWED = Set.of("context", "route", "route-controller", "route-dump", "route-group",
            "route-structure", "source", "health", "inflight", "blocked", "consumer", "producer", "endpoint", "rest",
            "platform-http", "main-http-server", "service", "processor", "reload", "memory", "thread", "gc", "top",
            "startup-recorder", "type-converters", "transformers", "log", "internal-tasks", "circuit-breaker");

    @Override
    public boolean register(DevConsole console) {
        return ALLOWED.contains(console.getId()) && super.register(console);
    }

    /**
     * Looks each allowed console up by its id instead of Camel's scan, which lists every jar of the class path
     * (twice during start-up) and makes every console only to refuse most of them: the same consoles, found
     * without reading a hundred jar indexes before the first request can be served.
     */
    @Override
    public void loadDevConsoles(boolean force) {
        CamelContext context = getCamelContext();
        DevConsoleResolver resolver = PluginHelper.getDevConsoleResolver(context);
        for (String id : ALLOWED) {
            if (getConsole(id).isEmpty()) {
                DevConsole console = resolver.resolveDevConsole(id);
                if (console != null) {
                    register(console);
                }
            }
        }
    }
}
