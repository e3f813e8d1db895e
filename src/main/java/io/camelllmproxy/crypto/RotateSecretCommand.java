package io.camelllmproxy.crypto;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.config.GatewayDefaults;
import io.camelllmproxy.config.Settings;
import io.camelllmproxy.registry.RegistryDatabase;
import org.apache.camel.impl.DefaultCamelContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code java -jar camel-llm-proxy.jar rotate-secret}: re-encrypts the registry's secrets under
 * {@code AUTH_ENCRYPTION_SECRET_NEW}. The old secret is {@code AUTH_ENCRYPTION_SECRET_OLD}, else the one the
 * gateway uses now. When that was the generated secret file, the file is given the new secret.
 */
public final class RotateSecretCommand {

    private RotateSecretCommand() {
    }

    public static int run(String propertiesLocation, Function<String, String> env) throws Exception {
        return run(propertiesLocation, env, System.out, System.err);
    }

    /** As {@link #run(String, Function)}, telling the outcome on {@code out} and problems on {@code err}. */
    public static int run(String propertiesLocation, Function<String, String> env, java.io.PrintStream out,
                          java.io.PrintStream err) throws Exception {
        String newSecret = env.apply("AUTH_ENCRYPTION_SECRET_NEW");
        if (newSecret == null || newSecret.isBlank()) {
            err.println("rotate-secret: set AUTH_ENCRYPTION_SECRET_NEW (and AUTH_ENCRYPTION_SECRET_OLD, unless the "
                    + "old secret is the one the gateway uses now)");
            return 2;
        }
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(propertiesLocation);
            GatewayDefaults.apply(context);
            Settings settings = new Settings(context);
            Path secretFile = Path.of(settings.string("llm.crypto.secret-file", "data/encryption.secret"));
            String oldSecret = env.apply("AUTH_ENCRYPTION_SECRET_OLD");
            boolean fromFile = false;
            if (oldSecret == null || oldSecret.isBlank()) {
                oldSecret = settings.string("llm.crypto.secret", null);
                if (oldSecret == null || oldSecret.isEmpty()) {
                    oldSecret = env.apply("AUTH_ENCRYPTION_SECRET");
                }
                if ((oldSecret == null || oldSecret.isEmpty()) && Files.isRegularFile(secretFile)) {
                    oldSecret = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
                    fromFile = true;
                }
            }
            if (oldSecret == null || oldSecret.isBlank()) {
                err.println("rotate-secret: no old secret: set AUTH_ENCRYPTION_SECRET_OLD");
                return 2;
            }
            String url = settings.required("llm.db.url");
            try (HikariDataSource dataSource = RegistryDatabase.open(url, settings.string("llm.db.user", null),
                    settings.string("llm.db.password", null), 2)) {
                RegistryDatabase.migrate(dataSource, url);
                SecretRotation.Outcome outcome = new SecretRotation(new CredentialCipher(oldSecret),
                        new CredentialCipher(newSecret)).run(dataSource);
                out.println("rotate-secret: " + outcome.keysRotated() + " API keys and " + outcome.configValuesRotated()
                        + " config secrets re-encrypted; " + outcome.alreadyRotated() + " were already under the new secret");
            }
            if (fromFile) {
                Files.writeString(secretFile, newSecret + "\n", StandardCharsets.UTF_8);
                out.println("rotate-secret: " + secretFile + " now holds the new secret");
            } else {
                out.println("rotate-secret: start the gateway with AUTH_ENCRYPTION_SECRET set to the new secret");
            }
            return 0;
        } catch (IllegalStateException e) {
            err.println("rotate-secret: " + e.getMessage());
            return 1;
        }
    }
}
