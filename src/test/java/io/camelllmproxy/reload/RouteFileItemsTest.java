package io.camelllmproxy.reload;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchBeanException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Splitting a route file into its items, and naming the line of a refused edit. */
class RouteFileItemsTest {

    @Test
    void everyGatewayRouteFileSplitsIntoItemsThatKeepTheirLines() throws Exception {
        Path file = Path.of("routes/openai-api.camel.yaml");
        String text = Files.readString(file);
        List<RouteFileItems.Item> items = RouteFileItems.parse(text);
        assertNotNull(items);
        RouteFileItems.Item listModels = items.stream().filter(i -> "llm-list-models".equals(i.routeId())).findFirst().orElseThrow();
        assertEquals(Set.of("llm-openai-errors"), listModels.routeConfigurationIds());

        String kept = RouteFileItems.keepOnly(text, items, listModels::equals);
        List<String> lines = text.lines().toList();
        List<String> keptLines = kept.lines().toList();
        assertEquals(lines.size(), keptLines.size(), "blanking keeps every line number");
        for (int i = 0; i < lines.size(); i++) {
            boolean inside = i >= listModels.first() && i < listModels.last();
            boolean header = i < items.get(0).first();
            assertEquals(inside || header ? lines.get(i) : "", keptLines.get(i), "line " + (i + 1));
        }
        List<RouteFileItems.Item> reparsed = RouteFileItems.parse(kept);
        assertEquals(List.of("llm-list-models"), reparsed.stream().map(RouteFileItems.Item::routeId).toList());

        for (String name : List.of("admin-api", "chat-completions", "chat-stream", "errors", "provider-dispatch",
                "registry-refresh", "upstream-call")) {
            assertNotNull(RouteFileItems.parse(Files.readString(Path.of("routes/" + name + ".camel.yaml"))), name);
        }
    }

    @Test
    void aChangeToOneItemLeavesTheOthersEqual() throws Exception {
        String text = Files.readString(Path.of("routes/errors.camel.yaml"));
        String edited = text.replace("ref: llm-error-responder", "ref: llm-other-responder");
        List<RouteFileItems.Item> before = RouteFileItems.parse(text);
        List<RouteFileItems.Item> after = RouteFileItems.parse(edited);
        List<Object> unchanged = before.stream().map(RouteFileItems.Item::value).toList();
        assertEquals(List.of("llm-openai-errors"), after.stream().filter(i -> !unchanged.contains(i.value()))
                .map(RouteFileItems.Item::routeConfigurationId).toList());
    }

    @Test
    void notASequenceIsLeftToCamelToReport() {
        assertNull(RouteFileItems.parse("- route: [unclosed\n"));
        assertNull(RouteFileItems.parse("route:\n  id: x\n"));
    }

    @Test
    void aRefusalNamesTheLineOfWhatItCouldNotFind() {
        Path file = Path.of("/routes/x.camel.yaml");
        String text = "- route:\n    id: x\n    from:\n      uri: direct:x\n      steps:\n        - process:\n            ref: nope\n";
        Exception missingBean = new FailedToCreateRouteException("x", "route x", "process[ref:nope]", new NoSuchBeanException("nope"));
        assertEquals(file + ":7", GatewayRouteReload.where(file, text, missingBean));
        Exception yaml = new IllegalStateException("while parsing in file:x, line 12, column 3");
        assertEquals(file + ":12", GatewayRouteReload.where(file, text, yaml));
        Exception route = new FailedToCreateRouteException("x", "route x", "process", new IllegalStateException("boom"));
        assertEquals(file + ":2", GatewayRouteReload.where(file, text, route));
    }
}
