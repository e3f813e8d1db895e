package io.camelllmproxy.auth;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The key ring on its own: a revocation holds against any snapshot installed after it. */
class KeyRingTest {

    static Map<String, Object> row(String id, String key, boolean enabled) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("name", "app-" + id);
        row.put("key_hash", ApiKeys.hashHex(key));
        row.put("scopes", "llm.invoke,llm.read");
        row.put("enabled", enabled);
        return row;
    }

    @Test
    void aRevokedKeyStaysRefusedWhateverSnapshotComesLater() {
        KeyRing ring = new KeyRing(null);
        String kept = ApiKeys.generate();
        String revoked = ApiKeys.generate();
        List<Map<String, Object>> beforeTheRevocation = List.of(row("k1", kept, true), row("k2", revoked, true));
        ring.refresh(beforeTheRevocation);
        assertEquals("k2", ring.authenticate(revoked).keyId());

        ring.revoke("k2");
        assertNull(ring.authenticate(revoked), "refused at once, before any reload");
        // a reload that read the table before the revocation committed, or whose database went away after it
        ring.refresh(beforeTheRevocation);
        assertNull(ring.authenticate(revoked), "an older snapshot cannot bring a revoked key back");
        assertEquals("k1", ring.authenticate(kept).keyId(), "the other keys are untouched");
    }
}
