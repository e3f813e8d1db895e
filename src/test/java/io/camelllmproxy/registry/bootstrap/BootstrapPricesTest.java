package io.camelllmproxy.registry.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model prices in the bootstrap file: written to llm_model_prices, checked with the file's line on error. */
class BootstrapPricesTest {

    BootstrapDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = new BootstrapDatabase();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    List<String> prices() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.model_id, pr.input_cost_per_mtok, pr.output_cost_per_mtok,"
                     + " pr.cached_input_cost_per_mtok FROM llm_models m LEFT JOIN llm_model_prices pr ON pr.model_row_id = m.id"
                     + " ORDER BY m.model_id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + plain(rs.getBigDecimal(2)) + " " + plain(rs.getBigDecimal(3)) + " "
                        + plain(rs.getBigDecimal(4)));
            }
        }
        return rows;
    }

    static String plain(BigDecimal d) {
        return d == null ? "null" : d.stripTrailingZeros().toPlainString();
    }

    @Test
    void pricesAreWrittenBesideTheModelAndAReapplyChangesOnlyWhatTheFileSets() throws Exception {
        db.apply(db.write("""
                providers:
                  - name: p
                    provider_type: openai
                    api_base: http://127.0.0.1:9/v1
                    models:
                      - {model_id: a, input_cost_per_mtok: 2.5, output_cost_per_mtok: 10, cached_input_cost_per_mtok: 1.25}
                      - {model_id: b, input_cost_per_mtok: "${B_PRICE:-0.15}", output_cost_per_mtok: 0.6}
                      - {model_id: c}
                """), Map.of());
        assertEquals(List.of("a 2.5 10 1.25", "b 0.15 0.6 null", "c null null null"), prices());

        db.apply(db.write("""
                providers:
                  - name: p
                    provider_type: openai
                    api_base: http://127.0.0.1:9/v1
                    models:
                      - {model_id: a, output_cost_per_mtok: 12, cached_input_cost_per_mtok: null}
                      - {model_id: b}
                      - {model_id: c, input_cost_per_mtok: 0, output_cost_per_mtok: 0}
                """), Map.of());
        assertEquals(List.of("a 2.5 12 null", "b 0.15 0.6 null", "c 0 0 null"), prices());
    }

    @Test
    void aNegativeOrNonNumericPriceIsNamedWithItsLineAndNothingIsApplied() throws Exception {
        Path file = db.write("""
                providers:
                  - name: p
                    provider_type: openai
                    api_base: http://127.0.0.1:9/v1
                    models:
                      - model_id: a
                        input_cost_per_mtok: -1
                        output_cost_per_mtok: cheap
                        cached_input_cost_per_mtok: 1000001
                """);
        BootstrapException e = assertThrows(BootstrapException.class, () -> db.apply(file, Map.of()));
        String message = e.getMessage();
        assertTrue(message.contains(file + ":7: providers[0].models[0].input_cost_per_mtok must be a number of USD per million"
                + " tokens from 0 to 1000000"), message);
        assertTrue(message.contains(file + ":8: providers[0].models[0].output_cost_per_mtok must be a number"), message);
        // past a dollar a token a request's cost could overflow the ledger's cost_usd and hold up its batch for good
        assertTrue(message.contains(file + ":9: providers[0].models[0].cached_input_cost_per_mtok must be a number"), message);
        assertEquals(List.of(), prices());
    }
}
