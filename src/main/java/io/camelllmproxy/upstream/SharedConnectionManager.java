package io.camelllmproxy.upstream;

import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.ConnPoolControl;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.util.Set;

/**
 * The upstream pool as the camel-http endpoint sees it: every call goes to the gateway's pool, but
 * {@code close} does nothing. camel-http closes an endpoint's connection manager (and its HttpClient closes
 * it again) whenever the endpoint stops, which a live reload of the upstream-call route does: without this
 * every later chat would find the shared pool shut. The gateway closes the real pool itself when the Camel
 * context stops. Pool statistics stay visible (camel-http's JMX attributes read them through
 * {@link ConnPoolControl}).
 */
public final class SharedConnectionManager implements HttpClientConnectionManager, ConnPoolControl<HttpRoute> {

    private final HttpClientConnectionManager connections;
    private final ConnPoolControl<HttpRoute> pool;

    public <M extends HttpClientConnectionManager & ConnPoolControl<HttpRoute>> SharedConnectionManager(M connections) {
        this.connections = connections;
        this.pool = connections;
    }

    @Override
    public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
        return connections.lease(id, route, requestTimeout, state);
    }

    @Override
    public void release(ConnectionEndpoint endpoint, Object newState, TimeValue validDuration) {
        connections.release(endpoint, newState, validDuration);
    }

    @Override
    public void connect(ConnectionEndpoint endpoint, TimeValue connectTimeout, HttpContext context) throws IOException {
        connections.connect(endpoint, connectTimeout, context);
    }

    @Override
    public void upgrade(ConnectionEndpoint endpoint, HttpContext context) throws IOException {
        connections.upgrade(endpoint, context);
    }

    /** Not closed by an endpoint that stops: the pool outlives every route that uses it. */
    @Override
    public void close() {
        // the gateway closes the pool when the Camel context stops
    }

    /** Not closed by an endpoint that stops: the pool outlives every route that uses it. */
    @Override
    public void close(CloseMode closeMode) {
        // the gateway closes the pool when the Camel context stops
    }

    @Override
    public void closeIdle(TimeValue idleTime) {
        pool.closeIdle(idleTime);
    }

    @Override
    public void closeExpired() {
        pool.closeExpired();
    }

    @Override
    public Set<HttpRoute> getRoutes() {
        return pool.getRoutes();
    }

    @Override
    public int getMaxTotal() {
        return pool.getMaxTotal();
    }

    @Override
    public void setMaxTotal(int max) {
        pool.setMaxTotal(max);
    }

    @Override
    public int getDefaultMaxPerRoute() {
        return pool.getDefaultMaxPerRoute();
    }

    @Override
    public void setDefaultMaxPerRoute(int max) {
        pool.setDefaultMaxPerRoute(max);
    }

    @Override
    public void setMaxPerRoute(HttpRoute route, int max) {
        pool.setMaxPerRoute(route, max);
    }

    @Override
    public int getMaxPerRoute(HttpRoute route) {
        return pool.getMaxPerRoute(route);
    }

    @Override
    public PoolStats getTotalStats() {
        return pool.getTotalStats();
    }

    @Override
    public PoolStats getStats(HttpRoute route) {
        return pool.getStats(route);
    }
}
