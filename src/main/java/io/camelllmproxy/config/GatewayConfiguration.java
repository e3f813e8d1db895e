package io.camelllmproxy.config;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.EncryptionSecret;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.ChatRequestReader;
import io.camelllmproxy.http.CompletionResponder;
import io.camelllmproxy.http.ErrorResponder;
import io.camelllmproxy.http.HttpServerSetup;
import io.camelllmproxy.http.ModelListResponder;
import io.camelllmproxy.http.ModelResolution;
import io.camelllmproxy.http.UpstreamCallPreparer;
import io.camelllmproxy.http.UpstreamRequestBuilder;
import io.camelllmproxy.http.UpstreamStatusCheck;
import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.registry.bootstrap.RegistryBootstrap;
import io.camelllmproxy.stream.StreamProcessors;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Everything the routes need before they start: the registry database (migrated, bootstrapped), the
 * credential cipher, a Vert.x sized for long-lived streams, and the beans the YAML routes refer to.
 * Camel Main calls it; a host application embedding the routes can call {@link #configure} itself.
 */
public class GatewayConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();

        String dbUrl = settings.required("llm.db.url");
        HikariDataSource dataSource = RegistryDatabase.open(dbUrl, settings.string("llm.db.user", null),
                settings.string("llm.db.password", null), settings.integer("llm.db.pool-size", 5));
        context.addService(new Closer(dataSource::close), true, true);
        registry.bind("registryDataSource", dataSource);
        RegistryDatabase.migrate(dataSource, dbUrl);

        String secret = settings.string("llm.crypto.secret", null);
        if (secret == null || secret.isEmpty()) {
            secret = System.getenv("AUTH_ENCRYPTION_SECRET");
        }
        CredentialCipher cipher = new CredentialCipher(EncryptionSecret.resolve(secret,
                Path.of(settings.string("llm.crypto.secret-file", "data/encryption.secret")),
                RegistryDatabase.isEmbedded(dbUrl)));

        RegistryBootstrap.apply(Path.of(settings.string("llm.registry.bootstrap", "registry.yaml")), dataSource,
                cipher, System::getenv);

        int maxConcurrent = settings.integer("llm.server.max-concurrent-requests", 2000);
        Vertx vertx = Vertx.vertx(new VertxOptions()
                // every open stream holds one worker for its lifetime, so the pool must exceed the admission limit
                .setWorkerPoolSize(maxConcurrent + 16)
                .setMaxWorkerExecuteTime(1).setMaxWorkerExecuteTimeUnit(TimeUnit.DAYS));
        context.addService(new Closer(vertx::close), true, true);
        registry.bind("vertx", vertx);

        AdmissionControl admission = new AdmissionControl(maxConcurrent,
                settings.longValue("llm.server.max-body-bytes", 10L * 1024 * 1024));
        registry.bind("admissionControl", admission);
        context.addStartupListener(new HttpServerSetup(admission, settings.integer("camel.server.port", 8080)));

        ModelResolver resolver = new ModelResolver(cipher, settings.longValue("llm.registry.first-load-wait-ms", 10_000));
        registry.bind("modelResolver", resolver);
        registry.bind("chatRequestReader", new ChatRequestReader());
        registry.bind("modelResolution", new ModelResolution(resolver));
        registry.bind("modelListResponder", new ModelListResponder(resolver));
        registry.bind("upstreamRequestBuilder", new UpstreamRequestBuilder());
        registry.bind("upstreamCallPreparer", new UpstreamCallPreparer());
        registry.bind("upstreamStatusCheck", new UpstreamStatusCheck());
        registry.bind("completionResponder", new CompletionResponder());
        registry.bind("errorResponder", new ErrorResponder());

        StreamProcessors streams = new StreamProcessors(vertx, admission,
                settings.longValue("llm.stream.heartbeat-ms", 15_000),
                settings.longValue("llm.stream.client-stall-timeout-ms", 300_000));
        registry.bind("streamStart", streams.start());
        registry.bind("streamOpen", streams.open());
        registry.bind("streamEvents", streams);
        registry.bind("streamRelayEvent", streams.relayEvent());
        registry.bind("streamFinish", streams.finish());
    }

    /** Releases a resource when the Camel context stops. */
    private static final class Closer extends ServiceSupport {
        private final Runnable close;

        Closer(Runnable close) {
            this.close = close;
        }

        @Override
        protected void doStop() {
            close.run();
        }
    }
}
