package io.camelllmproxy.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelllmproxy.support.FakeUpstream;
import io.camelllmproxy.support.GatewayHarness;
import io.camelllmproxy.transform.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.camelllmproxy.support.GatewayHarness.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /openapi.json} as a running gateway serves it: valid OpenAPI 3 for swagger-parser (zero messages),
 * with unique operation ids, every query parameter, request and response schemas, a relative server, and
 * schemas that are true to the answers and to the validation code.
 */
class OpenApiDocumentTest {

    static FakeUpstream upstream;
    static GatewayHarness gateway;
    static String text;
    static OpenAPI document;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = GatewayHarness.start("providers:\n" + provider("docs", "openai_compatible", upstream.baseUrl(), "sk-docs", null,
                "{model_id: gpt-4o-mini, model_name: GPT-4o mini, model_alias: fast}"), Map.of());
        HttpResponse<String> response = gateway.get("/openapi.json");
        assertEquals(200, response.statusCode(), response.body());
        text = response.body();
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
        assertEquals(List.of(), parsed.getMessages(), "swagger-parser's validation messages");
        document = parsed.getOpenAPI();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void isOpenApi3WithARelativeServer() throws Exception {
        assertTrue(document.getOpenapi().startsWith("3.0."), document.getOpenapi());
        assertEquals(1, document.getServers().size());
        assertEquals("/", document.getServers().get(0).getUrl());
        assertTrue(document.getComponents().getSecuritySchemes().keySet().containsAll(List.of("bearer", "x-api-key")));
    }

    @Test
    void everyOperationHasAUniqueIdAndDescribedResponses() {
        Set<String> ids = new HashSet<>();
        int operations = 0;
        for (Map.Entry<String, PathItem> path : document.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
                operations++;
                String where = op.getKey() + " " + path.getKey();
                assertNotNull(op.getValue().getOperationId(), where);
                assertTrue(ids.add(op.getValue().getOperationId()), "duplicate operationId at " + where);
                assertTrue(op.getValue().getResponses().containsKey("default"), where + " documents its errors");
                for (Map.Entry<String, ApiResponse> response : op.getValue().getResponses().entrySet()) {
                    assertTrue(response.getValue().getDescription() != null && !response.getValue().getDescription().isBlank(),
                            where + " " + response.getKey());
                }
            }
        }
        assertEquals(27, operations, "the 3 OpenAI and 24 admin operations");
    }

    @Test
    void queryParametersAreDeclared() throws Exception {
        assertEquals(Set.of("page", "page_size", "enabled_only"), query("/llm/providers", PathItem.HttpMethod.GET));
        assertEquals(Set.of("page", "page_size", "enabled_only", "provider_id"), query("/llm/models", PathItem.HttpMethod.GET));
        assertEquals(Set.of("activate"), query("/llm/providers/{id}/state", PathItem.HttpMethod.POST));
        assertEquals(Set.of("activate"), query("/llm/models/{id}/state", PathItem.HttpMethod.POST));
        assertEquals(Set.of("from", "to", "group_by"), query("/llm/usage", PathItem.HttpMethod.GET));
        assertEquals(Set.of("from", "to", "key_id", "model", "page", "page_size"),
                query("/llm/usage/requests", PathItem.HttpMethod.GET));
        Parameter pageSize = operation("/llm/providers", PathItem.HttpMethod.GET).getParameters().stream()
                .filter(p -> p.getName().equals("page_size")).findFirst().orElseThrow();
        assertEquals("integer", pageSize.getSchema().getType());
        // read as served: swagger-parser casts a default of "1" to the schema's type and would hide the mismatch
        for (JsonNode item : Json.MAPPER.readTree(text).path("paths")) {
            for (JsonNode op : item) {
                for (JsonNode p : op.path("parameters")) {
                    JsonNode value = p.path("schema").path("default");
                    String type = p.path("schema").path("type").asText();
                    assertTrue(value.isMissingNode() || type.equals("string") && value.isTextual()
                            || type.equals("integer") && value.isIntegralNumber() || type.equals("boolean") && value.isBoolean(),
                            op.path("operationId").asText() + " " + p.path("name").asText() + ": default " + value + " is not a " + type);
                }
            }
        }
    }

    @Test
    void requestAndResponseBodiesHaveSchemas() {
        assertBody("/v1/chat/completions", PathItem.HttpMethod.POST, "ChatCompletionRequest", "200", "ChatCompletion");
        assertBody("/v1/models", PathItem.HttpMethod.GET, null, "200", "ModelList");
        assertBody("/v1/models/{id}", PathItem.HttpMethod.GET, null, "200", "Model");
        assertBody("/llm/providers", PathItem.HttpMethod.POST, "ProviderCreate", "201", "Provider");
        assertBody("/llm/providers/{id}", PathItem.HttpMethod.PATCH, "ProviderUpdate", "200", "Provider");
        assertBody("/llm/models", PathItem.HttpMethod.POST, "RegistryModelCreate", "201", "RegistryModel");
        assertBody("/llm/models/{id}", PathItem.HttpMethod.PATCH, "RegistryModelUpdate", "200", "RegistryModel");
        assertBody("/llm/keys", PathItem.HttpMethod.POST, "ApiKeyCreate", "201", "ApiKeyCreated");
        assertBody("/llm/groups", PathItem.HttpMethod.POST, "ModelGroupCreate", "201", "ModelGroup");
        assertBody("/llm/groups/{id}", PathItem.HttpMethod.PATCH, "ModelGroupUpdate", "200", "ModelGroup");
        assertBody("/llm/groups", PathItem.HttpMethod.GET, null, "200", "ModelGroupPage");
        assertBody("/llm/providers/{id}/health", PathItem.HttpMethod.POST, null, "200", "ProviderHealth");
        assertBody("/llm/usage", PathItem.HttpMethod.GET, null, "200", "UsageSummary");
        assertBody("/llm/usage/requests", PathItem.HttpMethod.GET, null, "200", "UsageRequestPage");
        assertEquals(Set.of("model", "messages"), Set.copyOf(schema("ChatCompletionRequest").getRequired()));
        assertEquals(Set.of("id", "object", "created", "owned_by"), schema("Model").getProperties().keySet());
        assertTrue(text.contains("\"$ref\" : \"#/components/schemas/ErrorResponse\""), "errors refer to the error schema");
    }

    @Test
    void requiredFieldsAreWhatTheValidationRequires() throws Exception {
        assertEquals(new TreeSet<>(schema("ProviderCreate").getRequired()), missingFields("/llm/providers"));
        assertEquals(new TreeSet<>(schema("RegistryModelCreate").getRequired()), missingFields("/llm/models"));
        assertEquals(new TreeSet<>(schema("ApiKeyCreate").getRequired()), missingFields("/llm/keys"));
        assertEquals(new TreeSet<>(schema("ModelGroupCreate").getRequired()), missingFields("/llm/groups"));
    }

    @Test
    void answersHoldOnlyDocumentedFields() throws Exception {
        JsonNode provider = Json.MAPPER.readTree(gateway.get("/llm/providers").body());
        assertDocumented("ProviderPage", provider);
        String providerId = provider.path("providers").path(0).path("id").asText();
        assertDocumented("Provider", provider.path("providers").path(0));
        JsonNode models = Json.MAPPER.readTree(gateway.get("/llm/models?provider_id=" + providerId).body());
        assertDocumented("RegistryModelPage", models);
        assertDocumented("RegistryModel", models.path("models").path(0));
        JsonNode served = Json.MAPPER.readTree(gateway.get("/llm/gateway/models").body());
        assertDocumented("GatewayModelList", served);
        assertDocumented("GatewayModel", served.path("models").path(0));
        JsonNode created = Json.MAPPER.readTree(gateway.postJson("/llm/keys", "{\"name\":\"doc-key\"}").body());
        assertDocumented("ApiKeyCreated", created);
        JsonNode keys = Json.MAPPER.readTree(gateway.get("/llm/keys").body());
        assertDocumented("ApiKeyList", keys);
        assertDocumented("ApiKey", keys.path("keys").path(0));
        JsonNode group = Json.MAPPER.readTree(gateway.postJson("/llm/groups", "{\"name\":\"doc-group\",\"first_token_timeout_ms\":9,"
                + "\"members\":[{\"provider\":\"docs\",\"model_id\":\"gpt-4o-mini\"}]}").body());
        assertDocumented("ModelGroup", group);
        assertDocumented("ModelGroupMemberView", group.path("members").path(0));
        assertDocumented("ModelGroupRetry", group.path("retry"));
        assertDocumented("ModelGroupCooldown", group.path("cooldown"));
        assertDocumented("ModelGroupPage", Json.MAPPER.readTree(gateway.get("/llm/groups").body()));
        JsonNode list = Json.MAPPER.readTree(gateway.get("/v1/models").body());
        assertDocumented("ModelList", list);
        assertDocumented("Model", list.path("data").path(0));
        upstream.replyJson(200, "{\"object\":\"list\",\"data\":[]}");
        assertDocumented("ProviderHealth", Json.MAPPER.readTree(gateway.postJson("/llm/providers/" + providerId + "/health", "").body()));
        JsonNode error = Json.MAPPER.readTree(gateway.postJson("/llm/providers", "{}").body());
        assertDocumented("ErrorResponse", error);
        assertDocumented("ErrorDetail", error.path("error"));
        assertDocumented("FieldProblem", error.path("error").path("fields").path(0));
    }

    @Test
    void describingBodiesDoesNotRestrictRequests() throws Exception {
        // consumes/produces in the REST DSL would make the HTTP routes match on Content-Type and Accept
        HttpResponse<String> text = gateway.postJson("/v1/chat/completions", "hi", "Content-Type", "text/plain");
        assertEquals(415, text.statusCode(), text.body());
        HttpResponse<String> sse = gateway.postJson("/llm/keys", "{\"name\":\"accepts-anything\"}", "Accept", "text/event-stream");
        assertEquals(201, sse.statusCode(), sse.body());
    }

    private static Set<String> missingFields(String path) throws Exception {
        HttpResponse<String> response = gateway.postJson(path, "{}");
        assertEquals(422, response.statusCode(), response.body());
        Set<String> fields = new TreeSet<>();
        for (JsonNode problem : Json.MAPPER.readTree(response.body()).path("error").path("fields")) {
            fields.add(problem.path("field").asText());
        }
        return fields;
    }

    /** Every field of a real answer is in its schema, with a JSON type the schema allows. */
    private static void assertDocumented(String schemaName, JsonNode answer) {
        assertTrue(answer.isObject() && answer.size() > 0, schemaName + ": " + answer);
        Map<String, Schema> documented = schema(schemaName).getProperties();
        List<String> undocumented = new ArrayList<>();
        List<String> mistyped = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = answer.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            Schema declared = documented.get(field.getKey());
            if (declared == null) {
                undocumented.add(field.getKey());
            } else if (!typeAllows(declared, field.getValue())) {
                mistyped.add(field.getKey() + " is " + field.getValue().getNodeType() + ", declared " + declared.getType());
            }
        }
        assertEquals(List.of(), undocumented, schemaName + " lacks fields the gateway answers: " + answer);
        assertEquals(List.of(), mistyped, schemaName + " declares other types than the gateway answers: " + answer);
    }

    private static boolean typeAllows(Schema declared, JsonNode value) {
        String type = declared.getType();
        if (value.isNull() || type == null) {
            return true;  // nullability is not what this checks; a $ref or composed schema has no plain type
        }
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
    }

    private static void assertBody(String path, PathItem.HttpMethod method, String request, String status, String response) {
        Operation op = operation(path, method);
        if (request != null) {
            assertEquals("#/components/schemas/" + request,
                    op.getRequestBody().getContent().get("application/json").getSchema().get$ref(), method + " " + path);
            schema(request);
        }
        assertEquals("#/components/schemas/" + response,
                op.getResponses().get(status).getContent().get("application/json").getSchema().get$ref(), method + " " + path);
        schema(response);
    }

    private static Operation operation(String path, PathItem.HttpMethod method) {
        PathItem item = document.getPaths().get(path);
        assertNotNull(item, path + " in " + document.getPaths().keySet());
        Operation op = item.readOperationsMap().get(method);
        assertNotNull(op, method + " " + path);
        return op;
    }

    private static Set<String> query(String path, PathItem.HttpMethod method) {
        Set<String> names = new HashSet<>();
        for (Parameter p : operation(path, method).getParameters()) {
            if ("query".equals(p.getIn())) {
                names.add(p.getName());
            }
        }
        return names;
    }

    private static Schema<?> schema(String name) {
        Schema<?> schema = document.getComponents().getSchemas().get(name);
        assertNotNull(schema, name + " in " + document.getComponents().getSchemas().keySet());
        return schema;
    }
}
