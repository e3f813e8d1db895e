package io.camelllmproxy.crypto;

import com.zaxxer.hikari.HikariDataSource;
import io.camelllmproxy.registry.RegistryDatabase;
import io.camelllmproxy.support.TestDatabase;
import io.camelllmproxy.transform.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Re-encrypting every stored secret under a new AUTH_ENCRYPTION_SECRET, idempotently and all-or-nothing. */
class SecretRotationTest {

    final CredentialCipher oldCipher = new CredentialCipher("old-secret");
    final CredentialCipher newCipher = new CredentialCipher("new-secret");

    HikariDataSource seeded(TestDatabase db) throws Exception {
        HikariDataSource ds = RegistryDatabase.open(db.url(), db.user(), db.password(), 2);
        RegistryDatabase.migrate(ds, db.url());
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO llm_providers (id, name, slug, provider_type, api_key, config) VALUES (?, ?, ?, 'openai', ?, ?)")) {
            for (int i = 0; i < 3; i++) {
                ps.setString(1, "p" + i);
                ps.setString(2, "p" + i);
                ps.setString(3, "p" + i);
                ps.setString(4, i == 2 ? null : oldCipher.encryptApiKey("sk-" + i));
                ps.setString(5, Json.compactString(Json.MAPPER.createObjectNode().put("deployment_name", "d" + i)
                        .set("client_secret", Json.MAPPER.createObjectNode().put("_mcpgateway_encrypted_value_v1",
                                oldCipher.encryptConfigSecret(Json.MAPPER.getNodeFactory().textNode("cs-" + i))))));
                ps.executeUpdate();
            }
        }
        return ds;
    }

    String column(HikariDataSource ds, String id, String column) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM llm_providers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void rotatesKeysAndConfigSecretsAndIsIdempotent() throws Exception {
        try (HikariDataSource ds = seeded(TestDatabase.create())) {
            SecretRotation.Outcome first = new SecretRotation(oldCipher, newCipher).run(ds);
            assertEquals(2, first.keysRotated());
            assertEquals(3, first.configValuesRotated());
            assertEquals("sk-0", newCipher.decryptApiKey(column(ds, "p0", "api_key")));
            String config = column(ds, "p1", "config");
            String blob = Json.MAPPER.readTree(config).get("client_secret").get("_mcpgateway_encrypted_value_v1").asText();
            assertEquals("cs-1", newCipher.decryptConfigSecret(blob).asText());
            assertEquals("d1", Json.MAPPER.readTree(config).get("deployment_name").asText());

            SecretRotation.Outcome again = new SecretRotation(oldCipher, newCipher).run(ds);
            assertEquals(0, again.keysRotated() + again.configValuesRotated());
            assertEquals(5, again.alreadyRotated());
        }
    }

    @Test
    void aSecretThatDecryptsWithNeitherChangesNothing() throws Exception {
        try (HikariDataSource ds = seeded(TestDatabase.create())) {
            String before = column(ds, "p0", "api_key");
            SecretRotation wrongOld = new SecretRotation(new CredentialCipher("not-the-old-one"), newCipher);
            assertThrows(IllegalStateException.class, () -> wrongOld.run(ds));
            assertEquals(before, column(ds, "p0", "api_key"));
        }
    }

    @Test
    void theCommandReadsTheSecretsFromTheEnvironment() throws Exception {
        TestDatabase db = TestDatabase.create();
        try (HikariDataSource ds = seeded(db)) {
            Path dir = Files.createTempDirectory("rotate");
            Path properties = dir.resolve("application.properties");
            Files.writeString(properties, "llm.db.url = " + db.url() + "\nllm.db.user = " + db.user()
                    + "\nllm.db.password = " + db.password() + "\nllm.crypto.secret-file = " + dir.resolve("secret") + "\n");
            Map<String, String> env = Map.of("AUTH_ENCRYPTION_SECRET_OLD", "old-secret", "AUTH_ENCRYPTION_SECRET_NEW", "new-secret");
            java.io.ByteArrayOutputStream told = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(told, true, java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, RotateSecretCommand.run("file:" + properties, env::get, out, out));
            assertEquals("sk-1", newCipher.decryptApiKey(column(ds, "p1", "api_key")));
            assertEquals(0, RotateSecretCommand.run("file:" + properties, env::get, out, out), "running it again is harmless");
            assertTrue(told.toString(java.nio.charset.StandardCharsets.UTF_8).contains("were already under the new secret"), told.toString());
            assertEquals(2, RotateSecretCommand.run("file:" + properties, Map.of("AUTH_ENCRYPTION_SECRET_OLD", "x")::get, out, out),
                    "no new secret: usage error");
            assertTrue(told.toString(java.nio.charset.StandardCharsets.UTF_8).contains("set AUTH_ENCRYPTION_SECRET_NEW"), told.toString());
            assertTrue(newCipher.decryptApiKey(column(ds, "p0", "api_key")).equals("sk-0"));
        }
    }
}
