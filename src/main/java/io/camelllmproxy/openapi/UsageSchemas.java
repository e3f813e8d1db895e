package io.camelllmproxy.openapi;

import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** The usage API's answers ({@code /llm/usage}): sums and rows of the usage ledger, {@code llm_usage}. */
@SuppressWarnings({"checkstyle:MemberName", "unused"})
public final class UsageSchemas {

    private UsageSchemas() {
    }

    @Schema(name = "UsageGroup", description = "The sums of one group's requests")
    public static class UsageGroup {
        @Schema(nullable = true, description = "The key id, model name, provider name or UTC day (yyyy-MM-dd); "
                + "null for requests without one (refused before the model was read, or not resolved)")
        public String group;
        @Schema(nullable = true, description = "group_by=key only: the key's name")
        public String key_name;
        public Long requests;
        @Schema(description = "Requests that ended with an error (rate-limited, unknown model, provider errors...)")
        public Long errors;
        public Long input_tokens;
        public Long output_tokens;
        @Schema(description = "Among the input tokens")
        public Long cached_tokens;
        @Schema(description = "Among the output tokens")
        public Long reasoning_tokens;
        @Schema(description = "USD at the models' prices")
        public BigDecimal cost_usd;
        @Schema(description = "Some requests reported tokens for a model without a price: cost_usd counts them as 0")
        public Boolean unpriced;
    }

    @Schema(name = "UsageSummary")
    public static class UsageSummary {
        @Schema(format = "date-time")
        public String from;
        @Schema(format = "date-time")
        public String to;
        @Schema(allowableValues = {"key", "model", "provider", "day"})
        public String group_by;
        public List<UsageGroup> data;
    }

    @Schema(name = "UsageRequest", description = "One ledger row: one request that got past authentication")
    public static class UsageRequest {
        public Long id;
        @Schema(format = "date-time", description = "When the request started")
        public String created_at;
        public String request_id;
        @Schema(description = "chat")
        public String operation;
        @Schema(nullable = true)
        public String key_id;
        @Schema(nullable = true)
        public String key_name;
        @Schema(nullable = true, description = "The model name the client sent")
        public String requested_model;
        @Schema(nullable = true, description = "The model group the name resolved to")
        public String model_group;
        @Schema(nullable = true, description = "provider/model_id of the group member that answered")
        public String deployment;
        @Schema(nullable = true)
        public String provider;
        @Schema(nullable = true)
        public String provider_type;
        @Schema(nullable = true)
        public String model_id;
        @Schema(nullable = true)
        public String response_model;
        public Boolean streamed;
        @Schema(description = "The HTTP status the client got (a stream that failed after its head: 200)")
        public Integer status;
        @Schema(nullable = true)
        public String error_code;
        @Schema(nullable = true, description = "null when the provider reported no usage")
        public Long input_tokens;
        @Schema(nullable = true)
        public Long output_tokens;
        @Schema(nullable = true)
        public Long cached_tokens;
        @Schema(nullable = true)
        public Long reasoning_tokens;
        public BigDecimal cost_usd;
        public Boolean priced;
        public Long latency_ms;
        @Schema(nullable = true, description = "Streams: milliseconds to the first chunk")
        public Long ttft_ms;
        @Schema(nullable = true)
        public Long attempts;
    }

    @Schema(name = "UsageRequestPage")
    public static class UsageRequestPage {
        @Schema(format = "date-time")
        public String from;
        @Schema(format = "date-time")
        public String to;
        public List<UsageRequest> requests;
        public Long total;
        public Integer page;
        public Integer page_size;
    }
}
