package io.camelllmproxy.stream;

import java.io.IOException;

/**
 * The provider's stream broke the framing it promised: an event beyond the size bound, or an event cut off by
 * the end of the stream. The message completes "provider 'x' ..." and names no address.
 */
public class UpstreamProtocolException extends IOException {
    public UpstreamProtocolException(String message) {
        super(message);
    }
}
