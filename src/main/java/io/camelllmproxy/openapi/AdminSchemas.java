package io.camelllmproxy.openapi;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

import java.util.List;
import java.util.Map;

/**
 * The admin API's bodies (ContextForge's fields). Write bodies list what the validation accepts; an unknown
 * field is refused with 422, and the read-only fields of our answers are accepted in a change when they equal
 * the stored value (else 422). Answers may gain fields; clients should ignore those they do not know.
 */
@SuppressWarnings({"checkstyle:MemberName", "unused"})
public final class AdminSchemas {

    private AdminSchemas() {
    }

    @Schema(name = "ProviderUpdate", description = "Fields to change; an explicit null clears a nullable field")
    public static class ProviderUpdate {
        @Schema(minLength = 1, maxLength = 255, description = "Unique")
        public String name;
        @Schema(allowableValues = {"openai", "azure_openai", "anthropic", "bedrock", "google_vertex", "watsonx", "ollama",
                "openai_compatible", "cohere", "mistral", "groq", "together"})
        public String provider_type;
        @Schema(nullable = true, maxLength = 2000)
        public String description;
        @Schema(nullable = true, maxLength = 4096, description = "Stored encrypted, never returned; \"\" or null: no key; "
                + "\"*****\" keeps the stored key")
        public String api_key;
        @Schema(nullable = true, maxLength = 512, format = "uri", description = "http or https; metadata addresses are refused")
        public String api_base;
        @Schema(nullable = true, maxLength = 50)
        public String api_version;
        @Schema(nullable = true, description = "Provider-specific settings; secret-named entries are stored encrypted and shown as *****;"
                + " stream_usage (true or false) says whether streams ask the provider for usage (stream_options.include_usage)")
        public Map<String, Object> config;
        @Schema(nullable = true, maxLength = 255)
        public String default_model;
        @Schema(nullable = true, minimum = "0", maximum = "2", description = "Applied only when the client sends no temperature")
        public Double default_temperature;
        @Schema(nullable = true, minimum = "1")
        public Integer default_max_tokens;
        public Boolean enabled;
        @Schema(nullable = true, description = "At most 100")
        public List<String> plugin_ids;
    }

    @Schema(name = "ProviderCreate", requiredProperties = {"name", "provider_type"})
    public static class ProviderCreate extends ProviderUpdate {
    }

    @Schema(name = "Provider", description = "A provider as answered: never its key, only api_key_set")
    public static class Provider {
        public String id;
        public String name;
        public String slug;
        @Schema(nullable = true)
        public String description;
        public String provider_type;
        @Schema(nullable = true)
        public String api_base;
        @Schema(nullable = true)
        public String api_version;
        public Map<String, Object> config;
        @Schema(nullable = true)
        public String default_model;
        @Schema(nullable = true)
        public Double default_temperature;
        @Schema(nullable = true)
        public Integer default_max_tokens;
        public Boolean enabled;
        @Schema(description = "unknown, healthy or unhealthy")
        public String health_status;
        @Schema(nullable = true, format = "date-time")
        public String last_health_check;
        public List<String> plugin_ids;
        @Schema(nullable = true, format = "date-time")
        public String created_at;
        @Schema(nullable = true, format = "date-time")
        public String updated_at;
        @Schema(nullable = true)
        public String created_by;
        @Schema(nullable = true)
        public String modified_by;
        public Long model_count;
        public Boolean api_key_set;
    }

    @Schema(name = "ProviderPage")
    public static class ProviderPage {
        public List<Provider> providers;
        public Long total;
        public Integer page;
        public Integer page_size;
    }

    @Schema(name = "ProviderHealth", description = "The outcome of one health check; the provider key is masked in error")
    public static class ProviderHealth {
        public String provider_id;
        public String provider_name;
        @Schema(nullable = true)
        public String provider_type;
        @Schema(allowableValues = {"healthy", "unhealthy"})
        public String status;
        @Schema(description = "How long the provider took to answer, in ms (ContextForge's field)")
        public Double response_time_ms;
        @Schema(description = "The provider's HTTP status, when it answered")
        public Integer upstream_status;
        @Schema(nullable = true)
        public String error;
        @Schema(format = "date-time")
        public String checked_at;
    }

    @Schema(name = "RegistryModelUpdate", description = "Fields to change; an explicit null clears a nullable field")
    public static class RegistryModelUpdate {
        @Schema(minLength = 1, maxLength = 255, description = "The id the provider knows")
        public String model_id;
        @Schema(minLength = 1, maxLength = 255)
        public String model_name;
        @Schema(nullable = true, maxLength = 255, description = "Another name clients may send")
        public String model_alias;
        @Schema(nullable = true, maxLength = 2000)
        public String description;
        public Boolean supports_chat;
        public Boolean supports_streaming;
        public Boolean supports_function_calling;
        public Boolean supports_vision;
        @Schema(nullable = true, minimum = "1")
        public Integer context_window;
        @Schema(nullable = true, minimum = "1")
        public Integer max_output_tokens;
        public Boolean enabled;
        public Boolean deprecated;
        @Schema(nullable = true, minimum = "0", description = "USD per million input tokens; null clears it")
        public java.math.BigDecimal input_cost_per_mtok;
        @Schema(nullable = true, minimum = "0", description = "USD per million output tokens (reasoning included); null clears it")
        public java.math.BigDecimal output_cost_per_mtok;
        @Schema(nullable = true, minimum = "0", description = "USD per million cached input tokens; null: the input price")
        public java.math.BigDecimal cached_input_cost_per_mtok;
    }

    @Schema(name = "RegistryModelCreate", requiredProperties = {"provider_id", "model_id", "model_name"})
    public static class RegistryModelCreate extends RegistryModelUpdate {
        @Schema(maxLength = 36)
        public String provider_id;
    }

    @Schema(name = "RegistryModel", description = "A model row of the registry")
    public static class RegistryModel {
        public String id;
        public String provider_id;
        public String model_id;
        public String model_name;
        @Schema(nullable = true)
        public String model_alias;
        @Schema(nullable = true)
        public String description;
        public Boolean supports_chat;
        public Boolean supports_streaming;
        public Boolean supports_function_calling;
        public Boolean supports_vision;
        @Schema(nullable = true)
        public Integer context_window;
        @Schema(nullable = true)
        public Integer max_output_tokens;
        public Boolean enabled;
        public Boolean deprecated;
        @Schema(nullable = true, format = "date-time")
        public String created_at;
        @Schema(nullable = true, format = "date-time")
        public String updated_at;
        @Schema(nullable = true)
        public String provider_name;
        @Schema(nullable = true)
        public String provider_type;
        @Schema(nullable = true, description = "USD per million input tokens; null with the output price: unpriced, cost 0")
        public java.math.BigDecimal input_cost_per_mtok;
        @Schema(nullable = true, description = "USD per million output tokens, reasoning included")
        public java.math.BigDecimal output_cost_per_mtok;
        @Schema(nullable = true, description = "USD per million cached input tokens; null: charged at the input price")
        public java.math.BigDecimal cached_input_cost_per_mtok;
    }

    @Schema(name = "RegistryModelPage")
    public static class RegistryModelPage {
        public List<RegistryModel> models;
        public Long total;
        public Integer page;
        public Integer page_size;
    }

    @Schema(name = "GatewayModel", description = "A model the gateway serves now")
    public static class GatewayModel {
        public String id;
        public String model_id;
        public String model_name;
        @Schema(nullable = true)
        public String model_alias;
        public String provider_id;
        public String provider_name;
        public String provider_type;
        public Boolean supports_streaming;
        public Boolean supports_function_calling;
        public Boolean supports_vision;
    }

    @Schema(name = "GatewayModelList")
    public static class GatewayModelList {
        public List<GatewayModel> models;
        public Integer count;
    }

    @Schema(name = "ModelGroupMember", requiredProperties = {"provider", "model_id"},
            description = "A registry model named by its provider's name and its model_id")
    public static class ModelGroupMember {
        @Schema(minLength = 1, maxLength = 255, description = "The provider's name")
        public String provider;
        @Schema(minLength = 1, maxLength = 255)
        public String model_id;
        @Schema(minimum = "1", description = "Share of requests under the weighted strategy; default 1")
        public Integer weight;
    }

    @Schema(name = "ModelGroupRetry", description = "Replaced whole; a key left out or null gets its default")
    public static class ModelGroupRetry {
        @Schema(nullable = true, minimum = "1", description = "Provider calls for one request, across members; default: one per member")
        public Integer attempts;
        @Schema(nullable = true, minimum = "0", description = "Longest Retry-After the gateway waits for; default 10000")
        public Long max_wait_ms;
    }

    @Schema(name = "ModelGroupCooldown", description = "Replaced whole; a key left out or null gets its default")
    public static class ModelGroupCooldown {
        @Schema(nullable = true, minimum = "1", description = "Consecutive failures that take a member out; default 3")
        public Integer failures;
        @Schema(nullable = true, minimum = "0", description = "How long it stays out; default 30")
        public Integer seconds;
    }

    @Schema(name = "ModelGroupUpdate", description = "Fields to change; members, when sent, replace the group's members")
    public static class ModelGroupUpdate {
        @Schema(minLength = 1, maxLength = 255, description = "What clients send as model; unique, and not a model's id or alias")
        public String name;
        @Schema(allowableValues = {"fallback", "weighted", "least-busy"}, description = "Default fallback")
        public String strategy;
        @Schema(description = "1 to 64 members, in fallback order")
        public List<ModelGroupMember> members;
        @Schema(nullable = true)
        public ModelGroupRetry retry;
        @Schema(nullable = true)
        public ModelGroupCooldown cooldown;
        @Schema(nullable = true, minimum = "1", description = "A stream silent this long before its first event fails over;"
                + " default: the provider read timeout")
        public Long first_token_timeout_ms;
    }

    @Schema(name = "ModelGroupCreate", requiredProperties = {"name", "members"})
    public static class ModelGroupCreate extends ModelGroupUpdate {
    }

    @Schema(name = "ModelGroupMemberView", description = "A member as answered, with its model's row id and whether it is served")
    public static class ModelGroupMemberView extends ModelGroupMember {
        public String model_row_id;
        @Schema(description = "Its model and provider are both enabled")
        public Boolean enabled;
    }

    @Schema(name = "ModelGroup", description = "A model group as answered, with the defaults applied where none is set")
    public static class ModelGroup {
        public String id;
        public String name;
        public String strategy;
        public List<ModelGroupMemberView> members;
        public ModelGroupRetry retry;
        public ModelGroupCooldown cooldown;
        @Schema(nullable = true)
        public Long first_token_timeout_ms;
        @Schema(nullable = true, format = "date-time")
        public String created_at;
        @Schema(nullable = true, format = "date-time")
        public String updated_at;
    }

    @Schema(name = "ModelGroupPage")
    public static class ModelGroupPage {
        public List<ModelGroup> groups;
        public Long total;
        public Integer page;
        public Integer page_size;
    }

    @Schema(name = "ApiKeyCreate", requiredProperties = {"name"})
    public static class ApiKeyCreate {
        @Schema(minLength = 1, maxLength = 255)
        public String name;
        @Schema(description = "A non-empty subset of llm.invoke, llm.read, metrics (the /observe/metrics scrape), admin; default [llm.invoke]")
        public List<String> scopes;
        @Schema(nullable = true, minimum = "1", description = "Requests per minute")
        public Integer rpm_limit;
        @Schema(nullable = true, minimum = "1", description = "Tokens per minute")
        public Integer tpm_limit;
        @Schema(nullable = true, format = "date-time", description = "In the future, with an offset")
        public String expires_at;
        @Schema(nullable = true, minimum = "0", description = "USD the key may spend per budget_period; set with budget_period")
        public java.math.BigDecimal max_budget_usd;
        @Schema(nullable = true, allowableValues = {"day", "month"}, description = "UTC day or month; set with max_budget_usd")
        public String budget_period;
    }

    @Schema(name = "ApiKey", description = "A client key without its secret")
    public static class ApiKey {
        public String id;
        public String name;
        @Schema(description = "The first characters, to recognise it")
        public String key_prefix;
        public List<String> scopes;
        @Schema(nullable = true)
        public Integer rpm_limit;
        @Schema(nullable = true)
        public Integer tpm_limit;
        @Schema(nullable = true, description = "USD the key may spend per budget_period; null: no budget")
        public java.math.BigDecimal max_budget_usd;
        @Schema(nullable = true, allowableValues = {"day", "month"})
        public String budget_period;
        @Schema(nullable = true, format = "date-time")
        public String expires_at;
        public Boolean enabled;
        @Schema(nullable = true, format = "date-time")
        public String created_at;
        @Schema(nullable = true, format = "date-time")
        public String last_used_at;
    }

    @Schema(name = "ApiKeyCreated", description = "A new key: the key itself is in this answer only")
    public static class ApiKeyCreated extends ApiKey {
        public String key;
    }

    @Schema(name = "ApiKeyList")
    public static class ApiKeyList {
        public List<ApiKey> keys;
        public Integer total;
    }
}
