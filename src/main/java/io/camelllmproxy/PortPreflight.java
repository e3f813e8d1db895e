package io.camelllmproxy;

import io.camelllmproxy.http.server.ListenCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Before the standalone gateway opens its database or writes ./data, checks that its port can be bound: a
 * second instance started from the same folder would otherwise stop on the embedded database's file lock,
 * which names neither the port nor the real problem. {@link ListenCheck} still catches a port taken later.
 */
final class PortPreflight extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String host = context.getPropertiesComponent().resolveProperty("camel.server.host").orElse("0.0.0.0").trim();
        int port = Integer.parseInt(context.getPropertiesComponent().resolveProperty("camel.server.port").orElse("8080").trim());
        if (port == 0) {
            return;  // any free port: nothing to check
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException(ListenCheck.describe(host, port, e));
        }
    }
}
