package io.camelllmproxy.registry.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import io.camelllmproxy.support.TestDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A migrated registry database of its own and a folder for bootstrap files: what each bootstrap test starts from. */
final class BootstrapDatabase implements AutoCloseable {

    final CredentialCipher cipher = new CredentialCipher("bootstrap-test-secret");
    final HikariDataSource dataSource;
    private final Path dir;

    BootstrapDatabase() throws Exception {
        TestDatabase db = TestDatabase.create();
        dataSource = RegistryDatabase.open(db.url(), db.user(), db.password(), 2);
        RegistryDatabase.migrate(dataSource, db.url());
        dir = Files.createTempDirectory("bootstrap");
    }

    /** {@code yaml} as the bootstrap file (one per test database: a later write replaces it). */
    Path write(String yaml) throws IOException {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Applies {@code file} as a start does, {@code env} standing for the environment. */
    void apply(Path file, Map<String, String> env) {
        RegistryBootstrap.apply(file, dataSource, cipher, new UpstreamAddressPolicy(true), env::get);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
