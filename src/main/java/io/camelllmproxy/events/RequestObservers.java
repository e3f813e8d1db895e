package io.camelllmproxy.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The observers of finished requests, told in the order they were added; one failing never stops the next. */
public final class RequestObservers implements RequestObserver {

    private static final Logger LOG = LoggerFactory.getLogger(RequestObservers.class);

    private final List<RequestObserver> observers = new CopyOnWriteArrayList<>();

    public RequestObservers add(RequestObserver observer) {
        observers.add(observer);
        return this;
    }

    @Override
    public void finished(RequestRecord record) {
        for (RequestObserver observer : observers) {
            try {
                observer.finished(record);
            } catch (RuntimeException e) {
                // an observation must not touch the request it describes
                LOG.warn("request {} not observed by {}: {}", record.requestId(), observer.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
