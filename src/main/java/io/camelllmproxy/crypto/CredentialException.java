package io.camelllmproxy.crypto;

/** A stored credential that cannot be read; the message never contains the credential itself. */
public class CredentialException extends Exception {
    public CredentialException(String message) {
        super(message);
    }
}
