package io.camelllmproxy.registry.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider's {@code config.stream_usage} in the bootstrap file: true or false, anything else refused with its line. */
class BootstrapStreamUsageTest {

    BootstrapDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = new BootstrapDatabase();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aFlagThatIsNotTrueOrFalseIsRefusedWithFileAndLine() throws Exception {
        Path file = db.write("providers:\n  - name: p\n    provider_type: openai\n    config: {stream_usage: maybe}\n");
        String message = assertThrows(BootstrapException.class, () -> db.apply(file, Map.of())).getMessage();
        assertTrue(message.contains(file + ":2: providers[0].config.stream_usage must be true or false"), message);
        assertEquals(0, count(), "nothing of a refused file is applied");
    }

    @Test
    void falseIsStoredAsTheProvidersConfig() throws Exception {
        db.apply(db.write("providers:\n  - name: p\n    provider_type: openai_compatible\n    api_base: http://127.0.0.1:9/v1\n"
                + "    config: {stream_usage: false}\n"), Map.of());
        assertEquals(1, count());
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT config FROM llm_providers WHERE name = 'p'")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).replace(" ", "").contains("\"stream_usage\":false"), rs.getString(1));
        }
    }

    private int count() throws Exception {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM llm_providers")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
