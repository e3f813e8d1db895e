package io.camelllmproxy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.crypto.CredentialCipher;
import io.camelllmproxy.crypto.CredentialException;
import io.camelllmproxy.security.ProviderCredential;
import io.camelllmproxy.transform.Json;
import io.camelllmproxy.usage.ModelPrice;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the rows of {@code sql/registry-snapshot.sql} into {@link ModelTarget}s. H2 and PostgreSQL hand
 * back different Java types for the same columns (JSON as text or PGobject, timestamps as OffsetDateTime
 * or Timestamp), so each value is read by what it is, not by what one driver returns. A provider without
 * models comes as one row whose model columns are null and yields no target.
 */
final class RegistryRows {

    private final CredentialCipher cipher;
    /** Decryption results by ciphertext: a refresh every few seconds should not redo AES for unchanged keys. */
    private volatile Map<String, String[]> decrypted = Map.of();

    RegistryRows(CredentialCipher cipher) {
        this.cipher = cipher;
    }

    List<ModelTarget> toTargets(List<Map<String, Object>> rows) {
        Map<String, String[]> seen = new HashMap<>();
        List<ModelTarget> targets = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            if (row.get("model_row_id") == null) {
                continue; // a provider without models: nothing to serve, though CredentialHealth still checks its key
            }
            String[] key = credential(string(row.get("api_key")), seen);
            targets.add(new ModelTarget(
                    string(row.get("model_row_id")),
                    string(row.get("model_id")),
                    string(row.get("model_name")),
                    emptyToNull(string(row.get("model_alias"))),
                    epochSeconds(row.get("model_created_at")),
                    bool(row.get("model_enabled")),
                    string(row.get("provider_id")),
                    string(row.get("provider_name")),
                    string(row.get("provider_type")),
                    emptyToNull(string(row.get("api_base"))),
                    emptyToNull(string(row.get("api_version"))),
                    config(row.get("config")),
                    row.get("default_temperature") instanceof Number n ? n.doubleValue() : null,
                    row.get("default_max_tokens") instanceof Number n ? n.intValue() : null,
                    bool(row.get("provider_enabled")),
                    ProviderCredential.of(key[0]),
                    key[1],
                    bool(row.get("supports_chat")),
                    new ModelPrice(decimal(row.get("input_cost_per_mtok")), decimal(row.get("output_cost_per_mtok")),
                            decimal(row.get("cached_input_cost_per_mtok")))));
        }
        decrypted = seen;
        return targets;
    }

    /** {key, error}: both null when no key is stored. */
    private String[] credential(String stored, Map<String, String[]> seen) {
        if (stored == null || stored.isBlank()) {
            return new String[2];
        }
        String[] known = seen.get(stored);
        if (known == null) {
            known = decrypted.get(stored);
        }
        if (known == null) {
            try {
                known = new String[] {cipher.decryptApiKey(stored), null};
            } catch (CredentialException e) {
                known = new String[] {null, e.getMessage()};
            }
        }
        seen.put(stored, known);
        return known;
    }

    private static ObjectNode config(Object value) {
        if (value == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value.toString());
            return node instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    static long epochSeconds(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toEpochSecond();
        }
        if (value instanceof Timestamp ts) {
            return ts.getTime() / 1000;
        }
        if (value instanceof java.util.Date d) {
            return d.getTime() / 1000;
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.toEpochSecond(java.time.ZoneOffset.UTC);
        }
        return 0;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        return value instanceof Number n ? new BigDecimal(n.toString()) : null;
    }

    private static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && ("true".equalsIgnoreCase(value.toString()) || "1".equals(value.toString()));
    }

    static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
