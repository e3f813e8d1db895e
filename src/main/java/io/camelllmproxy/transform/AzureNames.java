package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * The two Azure names that become part of a URL: {@code config.resource_name} is the first label of the
 * host, the deployment a path segment. Checked on every way into the registry and again before a request
 * goes out, so a row edited in the database cannot redirect a call or walk up the path.
 */
public final class AzureNames {

    /** One DNS label (RFC 1123): 1 to 63 letters, digits and inner hyphens. */
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /** Config keys that name the deployment, in the order the transformer reads them. */
    public static final String[] DEPLOYMENT_KEYS = {"deployment_name", "deployment"};

    private AzureNames() {
    }

    /** Why {@code config.resource_name} cannot be a host label, or null when it can (or is not set). */
    public static String resourceNameProblem(JsonNode config) {
        JsonNode value = config == null ? null : config.get("resource_name");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !DNS_LABEL.matcher(value.asText()).matches()) {
            return "must be one DNS label: 1 to 63 letters, digits and inner hyphens";
        }
        return null;
    }

    /** Whether a deployment name would go out as a {@code .} or {@code ..} path segment. */
    public static boolean isDotSegment(String deployment) {
        return ".".equals(deployment) || "..".equals(deployment);
    }

    /** The config key naming a dot-segment deployment, or null when there is none. */
    public static String dotSegmentDeploymentKey(JsonNode config) {
        if (config == null) {
            return null;
        }
        for (String key : DEPLOYMENT_KEYS) {
            if (isDotSegment(config.path(key).asText(""))) {
                return key;
            }
        }
        return null;
    }
}
