package io.camelllmproxy.events;

/** Something that learns of every finished request: metrics, the usage ledger, budgets, the access log, events. */
@FunctionalInterface
public interface RequestObserver {

    /**
     * Called once per request, on the thread that finished it (often an event loop): it must not block, and
     * what it throws is logged and dropped, never the request's concern.
     */
    void finished(RequestRecord record);
}
