package io.camelllmproxy.support;

import org.h2.tools.Server;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * A registry database the gateway reaches through a {@link TcpProxy}, so a test can cut the database and bring it
 * back: the suite's PostgreSQL when it runs on one, else an H2 server of the test's own.
 */
public final class ProxiedDatabase implements AutoCloseable {

    private final TcpProxy proxy;
    private final Server h2;
    private final String url;
    private final String user;
    private final String password;

    private ProxiedDatabase(TcpProxy proxy, Server h2, String url, String user, String password) {
        this.proxy = proxy;
        this.h2 = h2;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static ProxiedDatabase start() throws Exception {
        if (TestDatabase.postgres()) {
            TestDatabase db = TestDatabase.create();
            URI address = URI.create(db.url().substring("jdbc:".length()));
            TcpProxy proxy = new TcpProxy(address.getHost(), address.getPort());
            return new ProxiedDatabase(proxy, null,
                    db.url().replace(address.getHost() + ":" + address.getPort(), "127.0.0.1:" + proxy.port()),
                    db.user(), db.password());
        }
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        TcpProxy proxy = new TcpProxy("127.0.0.1", h2.getPort());
        return new ProxiedDatabase(proxy, h2, "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:proxied"
                + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
    }

    public TcpProxy proxy() {
        return proxy;
    }

    /** The gateway's settings that point it at this database, with {@code more} of the test's. */
    public Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.putAll(Map.of("llm.db.url", url, "llm.db.user", user, "llm.db.password", password));
        return settings;
    }

    @Override
    public void close() throws Exception {
        proxy.close();
        if (h2 != null) {
            h2.stop();
        }
    }
}
