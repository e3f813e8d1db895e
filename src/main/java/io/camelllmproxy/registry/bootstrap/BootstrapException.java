package io.camelllmproxy.registry.bootstrap;

/** A bootstrap file that cannot be applied; the message names the file, line and field of each problem. */
public class BootstrapException extends RuntimeException {
    public BootstrapException(String message) {
        super(message, null, false, false);
    }
}
