package io.camelllmproxy.stream;

import java.io.IOException;

/** The client closed its connection; the stream stops and nothing more is written. */
public class ClientGoneException extends IOException {
    public ClientGoneException() {
        super("the client closed the connection", null);
    }
}
