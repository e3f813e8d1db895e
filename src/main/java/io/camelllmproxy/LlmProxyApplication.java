package io.camelllmproxy;

import io.camelllmproxy.config.GatewayConfiguration;
import io.camelllmproxy.crypto.RotateSecretCommand;
import io.camelllmproxy.registry.bootstrap.BootstrapException;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the gateway with Camel Main. Configuration and wiring live in {@link GatewayConfiguration}. */
public final class LlmProxyApplication {

    private LlmProxyApplication() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("rotate-secret")) {
            System.exit(RotateSecretCommand.run(propertiesLocation(), System::getenv));
        }
        Main main = create();
        int status;
        try {
            status = main.run(args);
        } catch (Exception e) {
            // A configuration mistake (bad bootstrap file, unreadable secret) is told in one line, not a stack trace.
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof BootstrapException)) {
                cause = cause.getCause();
            }
            System.err.println("camel-llm-proxy did not start: " + cause.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static String propertiesLocation() {
        return Files.isRegularFile(Path.of("application.properties")) ? "file:application.properties"
                : "classpath:application.properties";
    }

    /**
     * A Camel Main reading {@code ./application.properties} and {@code ./routes} when they exist (so a user
     * edits them without rebuilding), else the copies packaged in the jar.
     */
    public static Main create() {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertiesLocation());
        main.configure().withRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml");
        main.configure().addConfiguration(new GatewayConfiguration());
        // Camel Main ignores environment variables ending in _PORT (it takes them for Kubernetes service
        // links), so CAMEL_SERVER_PORT is applied here; a -D system property still wins.
        String port = System.getenv("CAMEL_SERVER_PORT");
        if (port != null && !port.isBlank() && System.getProperty("camel.server.port") == null) {
            main.addOverrideProperty("camel.server.port", port.trim());
        }
        return main;
    }
}
