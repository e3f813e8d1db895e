package io.camelllmproxy.http;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Tells {@link AdmissionControl} when a route starts and stops working on an HTTP request, so the
 * request's slot is held until its route (and any upstream call it makes) is really done, not
 * only until its client went away. It also puts the request's context on the exchange for the steps
 * that must react to the client leaving (the upstream call above all), and, since a route starts only
 * once the body is read, trues up the body budget to the body's real size.
 */
public class RouteWorkTracker extends EventNotifierSupport {

    private final AdmissionControl admission;

    public RouteWorkTracker(AdmissionControl admission) {
        this.admission = admission;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeCreatedEvent created) {
            Exchange exchange = created.getExchange();
            if (exchange.getIn() instanceof HttpMessage http) {
                AdmissionControl.RequestContext context = admission.context(http.getResponse());
                if (context != null && context.workStarted()) {
                    // the consumer runs the route only once the body handler has read the whole body
                    context.bodyReceived();
                    exchange.setProperty(AdmissionControl.RequestContext.PROPERTY, context);
                }
            }
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent) {
            Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
            Object context = exchange.removeProperty(AdmissionControl.RequestContext.PROPERTY);
            if (context instanceof AdmissionControl.RequestContext requestContext) {
                requestContext.workDone();
            }
        }
    }
}
