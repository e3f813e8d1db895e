package io.camelllmproxy.registry;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's prices to {@code llm_model_prices}, our table beside ContextForge's {@code llm_models}: only
 * the price columns given (a null value clears that price), on the caller's connection and transaction. Column
 * names come from {@link #COLUMNS}, never from a request.
 */
public final class PriceRows {

    /** The price fields of the bootstrap file and the admin API, named as their columns. */
    public static final List<String> COLUMNS = List.of("input_cost_per_mtok", "output_cost_per_mtok",
            "cached_input_cost_per_mtok");

    /**
     * The largest price: a dollar a token, far past any model's. It keeps every request's cost (tokens x price) within
     * the ledger's {@code cost_usd NUMERIC(20, 10)}, so no row can be refused by the database and hold up its batch.
     */
    private static final BigDecimal MAX = new BigDecimal("1000000");

    private PriceRows() {
    }

    /** Why {@code price} cannot be stored, or null when it can (a price is never negative). */
    public static String problem(BigDecimal price) {
        return price.signum() < 0 || price.compareTo(MAX) > 0
                ? "must be a number of USD per million tokens from 0 to 1000000" : null;
    }

    /** The price as stored: six decimals. */
    public static BigDecimal stored(BigDecimal price) {
        return price.setScale(6, java.math.RoundingMode.HALF_UP);
    }

    /** Sets the prices {@code prices} names (keys of {@link #COLUMNS}) for the model row {@code modelRowId}. */
    public static void write(Connection c, String modelRowId, Map<String, BigDecimal> prices) throws SQLException {
        List<String> names = COLUMNS.stream().filter(prices::containsKey).toList();
        if (names.isEmpty()) {
            return;
        }
        List<Object> values = new ArrayList<>();
        names.forEach(name -> values.add(prices.get(name)));
        values.add(modelRowId);
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM llm_model_prices WHERE model_row_id = ?")) {
            ps.setString(1, modelRowId);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String sql = exists
                ? "UPDATE llm_model_prices SET " + String.join(" = ?, ", names) + " = ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE model_row_id = ?"
                : "INSERT INTO llm_model_prices (" + String.join(", ", names) + ", model_row_id, updated_at) VALUES ("
                + "?, ".repeat(names.size()) + "?, CURRENT_TIMESTAMP)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            SqlParams.bind(ps, values);
            ps.executeUpdate();
        }
    }

    /** The price fields taken out of {@code columns} (a model's fields), so what remains is {@code llm_models}'s. */
    public static Map<String, BigDecimal> takeFrom(Map<String, Object> columns) {
        Map<String, BigDecimal> prices = new java.util.LinkedHashMap<>();
        for (String name : COLUMNS) {
            if (columns.containsKey(name)) {
                prices.put(name, (BigDecimal) columns.remove(name));
            }
        }
        return prices;
    }
}
