package io.camelllmproxy.config;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.admin.GroupAdmin;
import io.camelllmproxy.admin.KeyAdmin;
import io.camelllmproxy.admin.ModelAdmin;
import io.camelllmproxy.admin.ProviderAdmin;
import io.camelllmproxy.admin.ProviderHealthCheck;
import io.camelllmproxy.admin.UsageAdmin;
import io.camelllmproxy.auth.AdminToken;
import io.camelllmproxy.auth.AuthGate;
import io.camelllmproxy.auth.ContextForgeAccounts;
import io.camelllmproxy.auth.ContextForgeJwtSettings;
import io.camelllmproxy.auth.ContextForgeTokens;
import io.camelllmproxy.auth.KeyRing;
import io.camelllmproxy.auth.KeyUsage;
import io.camelllmproxy.auth.RateLimiter;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.EncryptionSecret;
import io.camelllmproxy.embed.InJvmCallResult;
import io.camelllmproxy.embed.InJvmChatRequest;
import io.camelllmproxy.events.RequestEvents;
import io.camelllmproxy.events.RequestObservers;
import io.camelllmproxy.events.SedaRequestEvents;
import io.camelllmproxy.failover.AttemptsPending;
import io.camelllmproxy.failover.FailoverSteps;
import io.camelllmproxy.failover.MemberHealth;
import io.camelllmproxy.health.GatewayHealthChecks;
import io.camelllmproxy.http.AdmissionControl;
import io.camelllmproxy.http.ChatRequestReader;
import io.camelllmproxy.http.CompletionResponder;
import io.camelllmproxy.http.ErrorResponder;
import io.camelllmproxy.http.GatewayWorkers;
import io.camelllmproxy.http.HealthResponder;
import io.camelllmproxy.http.ModelListResponder;
import io.camelllmproxy.http.ModelResolution;
import io.camelllmproxy.http.ModelRetrieveResponder;
import io.camelllmproxy.http.RequestBodyBudget;
import io.camelllmproxy.http.RequestBodyRelease;
import io.camelllmproxy.http.RouteGuards;
import io.camelllmproxy.http.RouteWorkTracker;
import io.camelllmproxy.http.WorkerThreads;
import io.camelllmproxy.metrics.ActiveStreams;
import io.camelllmproxy.metrics.GenAiMetrics;
import io.camelllmproxy.metrics.LedgerDrops;
import io.camelllmproxy.metrics.MeterRegistryBinding;
import io.camelllmproxy.metrics.UpstreamAttempts;
import io.camelllmproxy.observe.AccessLog;
import io.camelllmproxy.observe.RequestMdc;
import io.camelllmproxy.registry.CredentialHealth;
import io.camelllmproxy.registry.ModelResolver;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.registry.SnapshotGenerations;
import io.camelllmproxy.registry.bootstrap.RegistryBootstrap;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.stream.StreamProcessors;
import io.camelllmproxy.upstream.SharedConnectionManager;
import io.camelllmproxy.upstream.UpstreamCallPreparer;
import io.camelllmproxy.upstream.UpstreamClientSetup;
import io.camelllmproxy.upstream.UpstreamConnections;
import io.camelllmproxy.upstream.UpstreamRequestBuilder;
import io.camelllmproxy.upstream.UpstreamStatusCheck;
import io.camelllmproxy.upstream.stream.StreamHttpComponent;
import io.camelllmproxy.upstream.stream.StreamHttpSettings;
import io.camelllmproxy.usage.KeyBudgets;
import io.camelllmproxy.usage.LedgerRetention;
import io.camelllmproxy.usage.UsageLedger;
import io.camelllmproxy.usage.UsageMeters;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.sql.SqlComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The gateway as a Camel route set: its default settings, everything the routes need before they start (the
 * registry database, migrated and bootstrapped, the credential cipher, keys and limits, the upstream
 * connection pool, the beans the YAML routes refer to) and the routes themselves. A Camel Main host names
 * this class in {@code camel.main.configurationClasses}; the standalone main does the same for itself.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    /** The gateway's Kamelets, namespaced so they never shadow a host's own {@code kamelets/}. */
    static final String KAMELETS = "classpath:camel-llm-proxy/kamelets/*.kamelet.yaml";

    @Override
    public void configure(CamelContext context) throws Exception {
        GatewayDefaults.apply(context);
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        // the beans the routes name: routes/beans.camel.yaml declares each, taken from here
        GatewayBeans beans = new GatewayBeans();
        registry.bind("llm-gateway", beans);

        String dbUrl = settings.required("llm.db.url");
        boolean embedded = RegistryDatabase.isEmbedded(dbUrl);
        HikariDataSource dataSource = RegistryDatabase.open(dbUrl, settings.string("llm.db.user", null),
                settings.string("llm.db.password", null), settings.integer("llm.db.pool-size", 4),
                settings.longValue("llm.db.connection-timeout-ms", 3_000));
        context.addService(new Closer(dataSource::close), true, true);
        // The registry's own sql component: the data source is never a registry bean, so a host's sql: or jdbc:
        // endpoint that autowires "the" DataSource can never reach the registry (encrypted keys included).
        SqlComponent sql = new SqlComponent();
        sql.setDataSource(dataSource);
        registry.bind("llm-sql", sql);
        RegistryDatabase.migrate(dataSource, dbUrl);

        CredentialCipher cipher = new CredentialCipher(EncryptionSecret.resolve(encryptionSecret(settings),
                Path.of(settings.string("llm.crypto.secret-file", "data/encryption.secret")), embedded));
        // a test may bind its own resolver to script DNS answers; production uses the system's
        UpstreamAddressPolicy.HostResolver hostResolver = context.getRegistry()
                .lookupByNameAndType("llm-upstream-host-resolver", UpstreamAddressPolicy.HostResolver.class);
        UpstreamAddressPolicy addresses = hostResolver == null
                ? new UpstreamAddressPolicy(Boolean.parseBoolean(settings.string("llm.upstream.allow-private-networks", "true")))
                : new UpstreamAddressPolicy(Boolean.parseBoolean(settings.string("llm.upstream.allow-private-networks", "true")),
                hostResolver);
        RegistryBootstrap.apply(Path.of(settings.string("llm.registry.bootstrap", "registry.yaml")), dataSource,
                cipher, addresses, System::getenv);

        int maxConcurrent = settings.integer("llm.server.max-concurrent-requests", 2000);
        PoolingHttpClientConnectionManager upstreamConnections = UpstreamConnections.create(addresses,
                settings.integer("llm.upstream.max-connections", 4000),
                settings.integer("llm.upstream.max-connections-per-host", 2000),
                settings.longValue("llm.upstream.connect-timeout-ms", 10_000),
                settings.longValue("llm.upstream.read-timeout-ms", 300_000),
                settings.integer("llm.upstream.max-header-count", 128),
                settings.integer("llm.upstream.max-header-line-bytes", 16 * 1024),
                settings.longValue("llm.upstream.validate-after-inactivity-ms", 1_000));
        ModelResolver resolver = new ModelResolver(cipher, settings.longValue("llm.registry.first-load-wait-ms", 10_000));
        // the endpoint gets a view whose close does nothing: a live reload stops the endpoint, not the pool
        beans.put("llm-upstream-connections", new SharedConnectionManager(upstreamConnections));
        context.addService(new Closer(upstreamConnections::close), true, true);
        beans.put("llm-upstream-client-setup", new UpstreamClientSetup(
                settings.longValue("llm.upstream.stale-retry-window-ms", 500), settings.longValue("llm.upstream.pool-timeout-ms", 5_000),
                settings.longValue("llm.upstream.read-timeout-ms", 300_000), resolver::credential));
        registry.bind("llm-http", UpstreamClientSetup.component());

        long maxBodyBytes = settings.longValue("llm.server.max-body-bytes", 10L * 1024 * 1024);
        String bodyBudget = settings.string("llm.server.max-body-bytes-in-flight", "");
        RequestBodyBudget requestBodyBudget = new RequestBodyBudget(
                bodyBudget == null || bodyBudget.isBlank() ? RequestBodyBudget.defaultCapacity(maxBodyBytes)
                        : Math.max(maxBodyBytes, Long.parseLong(bodyBudget.trim())));
        registry.bind("llm-request-body-budget", requestBodyBudget);
        AdmissionControl admission = new AdmissionControl(maxConcurrent, maxBodyBytes, requestBodyBudget);
        context.getManagementStrategy().addEventNotifier(new RouteWorkTracker(admission));
        RateLimiter limiter = new RateLimiter();
        // a test binds its own clock to move budget periods on; production uses the system's, in UTC
        Clock clock = context.getRegistry().lookupByNameAndType("llm-clock", Clock.class);
        KeyBudgets budgets = new KeyBudgets(clock == null ? Clock.systemUTC() : clock);
        budgets.restore(dataSource);
        // each request's usage, charged to its key's token limit and budget the moment its answer reports it
        UsageMeters meters = new UsageMeters(limiter, budgets);
        // every finished request, told to what observes requests: the event a user route may tap (README: Tapping requests)
        RequestObservers observers = new RequestObservers().add(new SedaRequestEvents(context));
        KeyRing keys = new KeyRing(AdminToken.resolve(adminToken(settings),
                Path.of(settings.string("llm.auth.admin-token-file", "data/admin.token")), embedded));
        KeyUsage usage = new KeyUsage(dataSource);
        ContextForgeJwtSettings contextForge = ContextForgeJwtSettings.resolve(key -> settings.string(key, null), System::getenv);
        boolean authEnabled = Boolean.parseBoolean(settings.string("llm.auth.enabled", "true"));
        ContextForgeAccounts contextForgeAccounts = new ContextForgeAccounts(dataSource, authEnabled && contextForge != null);
        beans.put("llm-contextforge-accounts", contextForgeAccounts);
        AuthGate auth = null;
        if (authEnabled) {
            ContextForgeTokens contextForgeTokens = null;
            if (contextForge != null) {
                contextForgeTokens = new ContextForgeTokens(contextForge, contextForgeAccounts);
                LOG.info("ContextForge tokens are accepted: {}", contextForge);
            }
            auth = new AuthGate(keys, limiter, admission, usage, contextForgeTokens, budgets, observers);
        } else {
            LOG.warn("Client authentication is OFF (llm.auth.enabled=false): anyone who reaches the port can use every "
                    + "provider and the admin API");
        }
        beans.put("llm-key-ring", keys);
        beans.put("llm-key-usage", usage);
        if (auth != null) {
            // the standalone guards Camel's management endpoints on its server with it
            registry.bind("llm-auth-gate", auth);
        }
        // a request holds one of these while a step blocks (a plain answer's provider call); an open stream holds none
        ExecutorService workerThreads = WorkerThreads.create(context, this, maxConcurrent);
        GatewayWorkers workers = new GatewayWorkers(workerThreads);
        RouteGuards guards = new RouteGuards(context, admission, auth, maxBodyBytes, workers,
                Boolean.parseBoolean(settings.string("llm.http.guard-every-route", "false")));
        guards.install(context);
        // request_id and key_name in the MDC of every step of the gateway's routes, whatever thread it runs on
        RequestMdc.install(context);
        // streams call providers without holding a thread (llm-upstream-stream), with the same limits as llm-http; a
        // call made where no Vert.x context is current uses the server's Vert.x
        registry.bind("llm-stream-http", new StreamHttpComponent(addresses, resolver::credential, guards::serverVertx,
                new StreamHttpSettings(settings.longValue("llm.upstream.connect-timeout-ms", 10_000),
                        settings.longValue("llm.upstream.read-timeout-ms", 300_000),
                        settings.longValue("llm.upstream.pool-timeout-ms", 5_000),
                        settings.integer("llm.upstream.max-connections-per-host", 2000),
                        settings.integer("llm.upstream.max-header-count", 128),
                        settings.integer("llm.upstream.max-header-line-bytes", 16 * 1024),
                        settings.longValue("llm.upstream.stale-retry-window-ms", 500))));

        beans.put("llm-model-resolver", resolver);
        beans.put("llm-snapshot-generations", new SnapshotGenerations());
        CredentialHealth credentialHealth = new CredentialHealth(cipher);
        beans.put("llm-credential-health", credentialHealth);
        beans.put("llm-health-responder", new HealthResponder(credentialHealth));
        GatewayHealthChecks.bind(context, dataSource, dbTimeoutSeconds(settings), resolver,
                snapshotMaxAgeMillis(settings), credentialHealth);
        beans.put("llm-chat-request-reader", new ChatRequestReader(admission));
        // metrics (README: Monitoring and usage): bound at start to the MeterRegistry camel-micrometer uses, if any
        GenAiMetrics genAiMetrics = new GenAiMetrics();
        UpstreamAttempts upstreamAttempts = new UpstreamAttempts();
        ActiveStreams activeStreams = new ActiveStreams();
        // model groups: the members' shared health, and Retry-After waits that hold no thread (one timer thread)
        FailoverSteps failover = new FailoverSteps(new MemberHealth(),
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "llm-retry-wait"), workerThreads,
                upstreamAttempts);
        beans.put("llm-model-resolution", new ModelResolution(resolver, failover));
        beans.put("llm-attempts-pending", new AttemptsPending());
        beans.put("llm-attempt-choose", failover.choose());
        beans.put("llm-attempt-wait", failover.await());
        beans.put("llm-attempt-succeeded", failover.succeeded());
        beans.put("llm-attempt-failed", failover.failed());
        beans.put("llm-model-list-responder", new ModelListResponder(resolver));
        beans.put("llm-model-retrieve-responder", new ModelRetrieveResponder(resolver));
        beans.put("llm-upstream-request-builder", new UpstreamRequestBuilder());
        beans.put("llm-upstream-call-preparer", new UpstreamCallPreparer());
        beans.put("llm-request-body-release", new RequestBodyRelease());
        beans.put("llm-upstream-status-check", new UpstreamStatusCheck());
        beans.put("llm-completion-responder", new CompletionResponder(meters));
        beans.put("llm-error-responder", new ErrorResponder());
        // the metrics observe every finished request too (the observers were made before the gate, which tells them of its refusals)
        observers.add(genAiMetrics);
        // the usage ledger (llm_usage): queued here, written in batches by routes/usage-ledger.camel.yaml; added after
        // the data source's closer, so Camel stops it first and its last rows still reach the database
        UsageLedger ledger = new UsageLedger(context, settings.integer("llm.usage.queue-size", 100_000),
                settings.integer("llm.usage.batch-size", 500), settings.longValue("llm.usage.stop-wait-ms", 5_000));
        context.addService(ledger, true, false);
        if (Boolean.parseBoolean(settings.string("llm.usage.ledger.enabled", "true"))) {
            observers.add(ledger);
        }
        beans.put("llm-usage-ledger", ledger);
        context.addStartupListener(new MeterRegistryBinding(List.of(genAiMetrics, upstreamAttempts, activeStreams,
                new LedgerDrops(ledger))));
        beans.put("llm-usage-retention", new LedgerRetention(settings.integer("llm.usage.retention-days", 90),
                Clock.systemUTC()));
        // one INFO line per request on io.camelllmproxy.access (README: Request ids and logs)
        observers.add(new AccessLog());
        beans.put("llm-request-events", new RequestEvents(observers));

        StreamProcessors streams = new StreamProcessors(guards::serverVertx, admission, meters,
                settings.longValue("llm.stream.heartbeat-ms", 15_000),
                settings.longValue("llm.stream.client-stall-timeout-ms", 300_000),
                settings.integer("llm.stream.max-event-bytes", 8 * 1024 * 1024), activeStreams);
        beans.put("llm-stream-start", streams.start());
        beans.put("llm-stream-attach", streams.attach());
        beans.put("llm-stream-first-event", streams.firstEvent());
        beans.put("llm-stream-open", streams.open());
        beans.put("llm-stream-events", streams);
        beans.put("llm-stream-relay-event", streams.relayEvent());
        beans.put("llm-stream-await", streams.await());
        beans.put("llm-stream-finish", streams.finish());
        beans.put("llm-in-jvm-request", new InJvmChatRequest(keys, limiter, usage, budgets));
        beans.put("llm-in-jvm-stream-open", streams.openForCaller());
        beans.put("llm-in-jvm-result", new InJvmCallResult());

        Runnable reload = new RegistryReload(context);
        ProviderHealthCheck health = new ProviderHealthCheck(cipher, addresses, upstreamConnections,
                Duration.ofMillis(settings.longValue("llm.upstream.connect-timeout-ms", 10_000)));
        beans.put("llm-provider-admin", new ProviderAdmin(dataSource, cipher, addresses, reload, health));
        beans.put("llm-model-admin", new ModelAdmin(dataSource, reload));
        beans.put("llm-group-admin", new GroupAdmin(dataSource, reload));
        beans.put("llm-key-admin", new KeyAdmin(dataSource, reload, keys::revoke));
        beans.put("llm-usage-admin", new UsageAdmin(dataSource, Clock.systemUTC()));

        loadRoutes(context, settings.required("llm.routes.location"));
        // the llm-chat Kamelet as a route template of the context: kamelet:llm-chat finds it there, wherever the
        // host's Kamelets are looked up (camel.component.kamelet.location stays the host's)
        loadRoutes(context, KAMELETS);
    }

    /** Loads the gateway's YAML routes, so a host needs no routes pattern of its own for them. */
    private static void loadRoutes(CamelContext context, String location) throws Exception {
        Collection<Resource> routes = PluginHelper.getPackageScanResourceResolver(context).findResources(location);
        if (routes.isEmpty()) {
            throw new IllegalStateException("no gateway routes found at " + location + " (llm.routes.location)");
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(routes);
    }

    /** The health check's query may take as long as a connection may be waited for. */
    private static int dbTimeoutSeconds(Settings settings) {
        return (int) Math.max(1, (settings.longValue("llm.db.connection-timeout-ms", 3_000) + 999) / 1000);
    }

    /** Unset: five refresh periods, and never under 10 s, so one slow reload on a busy machine is not an outage. */
    private static long snapshotMaxAgeMillis(Settings settings) {
        long configured = settings.longValue("llm.health.snapshot-max-age-ms", 0);
        return configured > 0 ? configured : Math.max(10_000, 5 * settings.longValue("llm.registry.refresh-ms", 2_000));
    }

    /**
     * The admin token: {@code llm.auth.admin.token}, a name Camel masks wherever it lists properties (a host's
     * start-up summary prints every property it resolved, and masks only names ending in a word like token or
     * secret), else the earlier {@code llm.auth.admin-token}, which Camel does not mask.
     */
    private static String adminToken(Settings settings) {
        String token = settings.string("llm.auth.admin.token", null);
        return token == null || token.isEmpty() ? settings.string("llm.auth.admin-token", null) : token;
    }

    private static String encryptionSecret(Settings settings) {
        String secret = settings.string("llm.crypto.secret", null);
        return secret == null || secret.isEmpty() ? System.getenv("AUTH_ENCRYPTION_SECRET") : secret;
    }

    /** Reloads the in-memory registry and key ring through the registry-reload route, synchronously. */
    private static final class RegistryReload implements Runnable {
        private final CamelContext context;
        private volatile ProducerTemplate template;

        RegistryReload(CamelContext context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (template == null) {
                template = context.createProducerTemplate();
            }
            template.sendBody("direct:llm-registry-reload", null);
        }
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
