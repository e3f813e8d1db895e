package io.camelllmproxy;

import io.camelllmproxy.config.GatewayConfiguration;
import io.camelllmproxy.crypto.RotateSecretCommand;
import io.camelllmproxy.health.StandaloneDevConsoles;
import io.camelllmproxy.http.server.ListenCheck;
import io.camelllmproxy.http.server.StandaloneServer;
import io.camelllmproxy.openapi.RelativeServerApiProcessorFactory;
import io.camelllmproxy.registry.bootstrap.BootstrapException;
import org.apache.camel.CamelContext;
import io.camelllmproxy.reload.GatewayRouteReload;
import io.camelllmproxy.tracing.StandaloneTracing;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the gateway with Camel Main. Configuration and wiring live in {@link GatewayConfiguration}. */
public final class LlmProxyApplication {

    private LlmProxyApplication() {
    }

    /** The standalone's logging set-up; a host embedding the gateway keeps its own. */
    static final String LOG_CONFIGURATION = "classpath:camel-llm-proxy/log4j2.properties";

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIGURATION);
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(Usage.TEXT);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("rotate-secret")) {
            System.exit(RotateSecretCommand.run(propertiesLocation(), System::getenv));
        }
        Main main = create();
        main.addMainListener(new PortPreflight());
        System.exit(run(main, args, System.err));
    }

    /** Runs until stopped; a start that fails is told in one line on {@code err} and gives status 2. */
    static int run(Main main, String[] args, PrintStream err) {
        try {
            int status = main.run(args);
            String refused = vetoReason(main);
            if (refused != null) {
                err.println("camel-llm-proxy did not start: " + refused);
                return 2;
            }
            return status;
        } catch (Exception e) {
            // A configuration mistake (bad bootstrap file, unreadable secret, busy port) is told in one line,
            // not a stack trace: the deepest cause carries the message that names the problem.
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof BootstrapException)) {
                cause = cause.getCause();
            }
            err.println("camel-llm-proxy did not start: " + cause.getMessage());
            return 2;
        }
    }

    /** Why the start was vetoed (a port that cannot be bound), or null when it was not. */
    private static String vetoReason(Main main) {
        CamelContext context = main.getCamelContext();
        if (context == null || !context.isVetoStarted()) {
            return null;
        }
        ListenCheck check = context.getRegistry().findSingleByType(ListenCheck.class);
        return check != null && check.failure() != null ? check.failure() : "the start was vetoed";
    }

    static String propertiesLocation() {
        return Files.isRegularFile(Path.of("application.properties")) ? "file:application.properties"
                : "classpath:camel-llm-proxy/application.properties";
    }

    /**
     * Where the YAML routes are read from: {@code dir} when it is a folder, else the copies packaged in the jar.
     * A symbolic link is resolved first, because Camel's file scanner does not descend into a linked folder
     * and would load no route at all.
     */
    static String routesIncludePattern(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "classpath:camel-llm-proxy/routes/*.camel.yaml";
        }
        try {
            return "file:" + dir.toRealPath().toString().replace('\\', '/') + "/*.camel.yaml";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the routes folder " + dir.toAbsolutePath(), e);
        }
    }

    /**
     * A Camel Main reading {@code ./application.properties} and {@code ./routes} when they exist (so a user
     * edits them without rebuilding), else the copies packaged in the jar. The gateway is added as a host
     * would add it; what only the standalone does (owning the HTTP server, the OpenAPI document's server) is
     * added here.
     */
    public static Main create() {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertiesLocation());
        // the gateway loads its routes itself; Camel Main's own default patterns find nothing of ours
        main.addInitialProperty("llm.routes.location", routesIncludePattern(Path.of("routes")));
        main.bind("llm-openapi-document-factory", new RelativeServerApiProcessorFactory());
        main.configure().addConfiguration(new GatewayConfiguration());
        // the developer console of application.properties, without the consoles that would show a secret
        main.bind("llm-dev-console-registry", new StandaloneDevConsoles());
        // after the gateway's, whose defaults (llm.server.*) it reads
        main.configure().addConfiguration(new StandaloneServer());
        // spans only when OTEL_TRACES_EXPORTER asks for them, through an SDK of the standalone's own
        StandaloneTracing.install(main);
        // camel.main.routesReloadEnabled (on in application.properties) gets the gateway's safer route watcher
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                GatewayRouteReload.replaceMainWatcher(configured.getCamelContext());
            }
        });
        // Camel Main ignores environment variables ending in _PORT (it takes them for Kubernetes service
        // links), so CAMEL_SERVER_PORT is applied here; a -D system property still wins.
        String port = System.getenv("CAMEL_SERVER_PORT");
        if (port != null && !port.isBlank() && System.getProperty("camel.server.port") == null) {
            main.addOverrideProperty("camel.server.port", port.trim());
        }
        return main;
    }
}
