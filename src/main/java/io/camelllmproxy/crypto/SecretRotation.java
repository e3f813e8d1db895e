package io.camelllmproxy.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.transform.Json;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-encrypts every stored secret (provider API keys and encrypted config values) from an old secret to a
 * new one, in one transaction. A value that already decrypts with the new secret is left alone, so running
 * it twice, or after a partial failure elsewhere, is safe. A value that decrypts with neither stops the
 * whole rotation, with nothing written.
 */
public final class SecretRotation {

    static final String WRAPPER = "_mcpgateway_encrypted_value_v1";

    /** What a rotation did. */
    public record Outcome(int keysRotated, int configValuesRotated, int alreadyRotated) {
    }

    private final CredentialCipher oldCipher;
    private final CredentialCipher newCipher;
    private int keys;
    private int configValues;
    private int already;

    public SecretRotation(CredentialCipher oldCipher, CredentialCipher newCipher) {
        this.oldCipher = oldCipher;
        this.newCipher = newCipher;
    }

    public Outcome run(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<String[]> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, name, api_key, config FROM llm_providers");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE llm_providers SET api_key = ?, config = ? WHERE id = ?")) {
                    for (String[] row : rows) {
                        String key = row[2] == null || row[2].isBlank() ? row[2] : rotateKey(row[1], row[2]);
                        JsonNode config = parse(row[3]);
                        JsonNode rotated = rotateConfig(row[1], config);
                        update.setString(1, key);
                        update.setString(2, Json.compactString(rotated));
                        update.setString(3, row[0]);
                        update.addBatch();
                    }
                    update.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return new Outcome(keys, configValues, already);
    }

    private String rotateKey(String provider, String stored) {
        try {
            newCipher.decryptApiKey(stored);
            already++;
            return stored;
        } catch (CredentialException notYet) {
            try {
                String key = oldCipher.decryptApiKey(stored);
                keys++;
                return newCipher.encryptApiKey(key);
            } catch (CredentialException e) {
                throw new IllegalStateException("the API key of provider '" + provider
                        + "' decrypts with neither the old nor the new secret; nothing was changed");
            }
        }
    }

    private JsonNode rotateConfig(String provider, JsonNode node) {
        if (node == null || !node.isObject()) {
            return node;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        node.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isObject() && value.size() == 1 && value.path(WRAPPER).isTextual()) {
                out.putObject(field.getKey()).put(WRAPPER, rotateValue(provider, value.get(WRAPPER).asText()));
            } else {
                out.set(field.getKey(), rotateConfig(provider, value));
            }
        });
        return out;
    }

    private String rotateValue(String provider, String stored) {
        try {
            newCipher.decryptConfigSecret(stored);
            already++;
            return stored;
        } catch (CredentialException notYet) {
            try {
                JsonNode value = oldCipher.decryptConfigSecret(stored);
                configValues++;
                return newCipher.encryptConfigSecret(value);
            } catch (CredentialException e) {
                throw new IllegalStateException("a config secret of provider '" + provider
                        + "' decrypts with neither the old nor the new secret; nothing was changed");
            }
        }
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
