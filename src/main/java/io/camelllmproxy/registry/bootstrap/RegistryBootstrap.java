package io.camelllmproxy.registry.bootstrap;

import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.security.UpstreamAddressPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/** Applies the declarative registry file at start: all of it, or, on any problem, none of it. */
public final class RegistryBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryBootstrap.class);

    private RegistryBootstrap() {
    }

    public static void apply(Path file, DataSource dataSource, CredentialCipher cipher, UpstreamAddressPolicy addresses,
                             Function<String, String> environment) {
        if (!Files.isRegularFile(file)) {
            LOG.info("No registry bootstrap file at {}; the registry is used as it is", file);
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BootstrapException(file + ": cannot be read: " + e.getMessage());
        }
        BootstrapParser parser = new BootstrapParser(file.toString(), environment, addresses);
        List<BootstrapEntry> entries = parser.parse(text);
        parser.warnings().forEach(LOG::warn);
        refuseNullTemperatureWhereRequired(file, entries, dataSource);
        try {
            BootstrapWriter.Outcome outcome = new BootstrapWriter(dataSource, cipher).write(entries, parser.groups(), file.toString());
            LOG.info("Registry bootstrap {} applied: providers {} added, {} updated; models {} added, {} updated;"
                    + " model groups {} added, {} updated", file, outcome.providersInserted(), outcome.providersUpdated(),
                    outcome.modelsInserted(), outcome.modelsUpdated(), outcome.groupsInserted(), outcome.groupsUpdated());
        } catch (SQLException e) {
            throw new BootstrapException(file + ": the database refused the registry update, nothing was applied: "
                    + e.getMessage());
        }
    }

    /**
     * ContextForge's schema has {@code default_temperature NOT NULL DEFAULT 0.7}: there a null in the file
     * cannot be stored, and the start stops naming the line, as the admin API answers 422.
     */
    private static void refuseNullTemperatureWhereRequired(Path file, List<BootstrapEntry> entries, DataSource dataSource) {
        List<String> problems = entries.stream()
                .filter(e -> e.columns().containsKey("default_temperature") && e.columns().get("default_temperature") == null)
                .map(e -> file + ":" + e.line() + ": provider '" + e.name() + "' default_temperature must be a number from 0"
                        + " to 2 on this database (ContextForge's schema requires one); leave it out for 0.7")
                .toList();
        if (!problems.isEmpty() && !RegistryDatabase.nullable(dataSource, "llm_providers", "default_temperature")) {
            throw new BootstrapException("the registry bootstrap file is invalid; nothing was applied:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
