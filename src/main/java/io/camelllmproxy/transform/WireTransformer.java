package io.camelllmproxy.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelllmproxy.error.OpenAiError;
import io.camelllmproxy.registry.ModelTarget;
import io.camelllmproxy.security.CredentialScheme;

/**
 * Translation between the OpenAI chat-completions API the clients speak and one provider wire schema.
 * Plain Java, JSON in and JSON out, with no Camel types, so each schema is tested from fixtures alone.
 */
public interface WireTransformer {

    /**
     * The upstream call for a validated client request, without credentials. The transformer may reuse
     * {@code request}'s nodes.
     */
    UpstreamRequest request(ObjectNode request, ModelTarget target);

    /**
     * How the provider takes its key. The gateway's HTTP client adds it as the request is written, so the key
     * is never on the Camel message (see {@code upstream.UpstreamCredentials}).
     */
    default CredentialScheme credentialScheme() {
        return CredentialScheme.BEARER;
    }

    /** A successful upstream body as an OpenAI {@code chat.completion} body. */
    byte[] response(byte[] upstreamBody, ObjectNode request, ModelTarget target);

    /** How the upstream frames a streamed answer. */
    default StreamFraming framing() {
        return StreamFraming.SSE;
    }

    /** The per-stream state that turns upstream events into OpenAI chunks. */
    StreamTranslator stream(ObjectNode request, ModelTarget target);

    /** An upstream error response (status >= 400) as an OpenAI error with the same status. */
    default OpenAiError error(int status, byte[] upstreamBody, ModelTarget target) {
        return UpstreamErrors.fromBody(status, upstreamBody, target.credential());
    }
}
