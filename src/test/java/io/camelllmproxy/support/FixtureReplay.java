package io.camelllmproxy.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Serves golden fixtures through a running gateway: a registry with one provider per case pointed at the
 * fake upstream, and the fake's reply replaying the case's recorded answer.
 */
public final class FixtureReplay {

    private FixtureReplay() {
    }

    /** The provider a case gets in the registry: {@code <schema>-<case>}. */
    public static String providerName(Path caseDir) {
        return caseDir.getParent().getFileName() + "-" + caseDir.getFileName();
    }

    /** The name a client uses to reach a case's model. */
    public static String modelName(Path caseDir) throws Exception {
        return providerName(caseDir) + "/" + Fixtures.json(caseDir.resolve("provider.json")).get("model_id").asText();
    }

    /** A bootstrap file with each case's provider row, its base URL swapped for the fake upstream's. */
    public static String registry(List<Path> cases, FakeUpstream upstream) throws Exception {
        StringBuilder yaml = new StringBuilder("providers:\n");
        String root = upstream.baseUrl().replace("/v1", "");
        for (Path caseDir : cases) {
            JsonNode p = Fixtures.json(caseDir.resolve("provider.json"));
            String schema = caseDir.getParent().getFileName().toString();
            String base = schema.equals("openai") ? root + URI.create(p.get("api_base").asText("https://x/v1")).getPath() : root;
            yaml.append("  - name: ").append(providerName(caseDir)).append('\n')
                    .append("    provider_type: ").append(p.path("provider_type").asText(schema)).append('\n')
                    .append("    api_base: ").append(base).append('\n')
                    .append("    api_key: ").append(value(p, "api_key")).append('\n')
                    .append("    api_version: ").append(value(p, "api_version")).append('\n')
                    .append("    config: ").append(p.has("config") ? p.get("config") : "{}").append('\n')
                    .append("    default_temperature: ").append(value(p, "default_temperature")).append('\n')
                    .append("    default_max_tokens: ").append(value(p, "default_max_tokens")).append('\n')
                    .append("    models:\n      - {model_id: \"").append(p.get("model_id").asText()).append("\", model_name: m}\n");
        }
        return yaml.toString();
    }

    /** The fake upstream's answer for a case: its recorded JSON (with status), SSE events or NDJSON lines. */
    public static FakeUpstream.Reply reply(Path caseDir) throws Exception {
        Path status = caseDir.resolve("upstream-status.txt");
        Path json = caseDir.resolve("upstream-response.json");
        if (Files.exists(json)) {
            int code = Files.exists(status) ? Integer.parseInt(Files.readString(status).trim()) : 200;
            return new FakeUpstream.Json(code, Files.readString(json), Map.of());
        }
        Path sse = caseDir.resolve("upstream-response.sse");
        if (Files.exists(sse)) {
            return new FakeUpstream.Raw(200, "text/event-stream", Arrays.asList(Files.readString(sse).split("(?<=\n\n)")), 5);
        }
        String ndjson = Files.readString(caseDir.resolve("upstream-response.ndjson"));
        return new FakeUpstream.Raw(200, "application/x-ndjson", Arrays.asList(ndjson.split("(?<=\n)")), 5);
    }

    private static String value(JsonNode provider, String field) {
        JsonNode value = provider.get(field);
        if (value == null || value.isNull()) {
            return "null";
        }
        return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
    }
}
