package io.camelllmproxy.error;

/** A failure the client is told about, carrying the OpenAI-shaped error to send. */
public class GatewayException extends RuntimeException {

    private final OpenAiError error;

    public GatewayException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public OpenAiError error() {
        return error;
    }

    public static GatewayException badRequest(String code, String param, String message) {
        return new GatewayException(new OpenAiError(400, OpenAiError.INVALID_REQUEST, code, param, message, null));
    }
}
