package io.camelllmproxy.embed;

import java.util.Map;

/** A bean of the test host, answering its own REST operation. */
public final class HostBeans {

    private HostBeans() {
    }

    public static Map<String, String> greeting() {
        return Map.of("greeting", "hello from the host's REST API");
    }
}
