package io.camelllmproxy.observe;

import io.camelllmproxy.auth.ApiKeyIdentity;
import io.camelllmproxy.http.ExchangeKeys;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.MDC;

/**
 * Puts the request's id ({@value #REQUEST_ID}) and key name ({@value #KEY_NAME}) in the logging MDC of every step
 * of the gateway's routes, on whatever thread the step runs or its asynchronous end continues (a gateway worker,
 * the client's event loop when a provider answers, the retry-wait scheduler), and takes them out again after.
 * <p>
 * Camel's own MDC (camel.main.useMDCLogging, or camel-mdc's MDCService) is context-wide, a choice that belongs to
 * the application: this does what camel-mdc does (an intercept strategy around each processor) on the gateway's
 * routes only ({@code llm-...}), so a host's routes and a host's own MDC settings are left as they are, and both
 * work side by side.
 */
public final class RequestMdc implements InterceptStrategy {

    /** MDC key of the request's {@code x-request-id}. */
    public static final String REQUEST_ID = "request_id";
    /** MDC key of the gateway key's name (never the key). */
    public static final String KEY_NAME = "key_name";

    private static final String GATEWAY_ROUTE_PREFIX = "llm-";

    /** Adds the strategy to each gateway route as Camel creates it (live reloads included). */
    public static void install(CamelContext context) {
        RequestMdc strategy = new RequestMdc();
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onRouteContextCreate(Route route) {
                if (route.getRouteId() != null && route.getRouteId().startsWith(GATEWAY_ROUTE_PREFIX)) {
                    route.getInterceptStrategies().add(strategy);
                }
            }
        });
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        AsyncProcessor step = AsyncProcessorConverterHelper.convert(target);
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String id = exchange.getVariable(ExchangeKeys.REQUEST_ID, String.class);
                if (id == null) {
                    return step.process(exchange, callback);
                }
                try (Scope ignored = open(exchange)) {
                    // the step may end on another thread: what runs after it there logs under the request too
                    return step.process(exchange, doneSync -> {
                        if (doneSync) {
                            callback.done(true);
                            return;
                        }
                        try (Scope again = open(exchange)) {
                            callback.done(false);
                        }
                    });
                }
            }

            @Override
            public String toString() {
                return step.toString();
            }
        };
    }

    /** The MDC of {@code exchange}'s request, for a piece of work outside a route step (a timer, a handler). */
    public static Scope open(Exchange exchange) {
        ApiKeyIdentity identity = exchange.getVariable(ExchangeKeys.IDENTITY, ApiKeyIdentity.class);
        return open(exchange.getVariable(ExchangeKeys.REQUEST_ID, String.class), identity == null ? null : identity.name());
    }

    /** Sets the two keys (a null leaves that key as it is) until the scope closes, which restores what was there. */
    public static Scope open(String requestId, String keyName) {
        String previousId = MDC.get(REQUEST_ID);
        String previousKey = MDC.get(KEY_NAME);
        // only what changes is set and restored: Log4j copies its context map on each change, and a step inside a
        // step of the same request (or each step after the id was set on the thread) changes nothing or only one key
        String newId = requestId == null || requestId.equals(previousId) ? null : requestId;
        String newKey = keyName == null || keyName.equals(previousKey) ? null : keyName;
        if (newId == null && newKey == null) {
            return NOTHING;
        }
        put(REQUEST_ID, newId);
        put(KEY_NAME, newKey);
        return () -> {
            restore(REQUEST_ID, newId, previousId);
            restore(KEY_NAME, newKey, previousKey);
        };
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    private static void restore(String key, String set, String previous) {
        if (set == null) {
            return;
        }
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }

    /** What {@link #open} set, until closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NOTHING = () -> { };
}
