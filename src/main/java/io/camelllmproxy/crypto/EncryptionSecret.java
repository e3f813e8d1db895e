package io.camelllmproxy.crypto;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Finds the secret that keys credential encryption. An explicit secret wins; otherwise a secret file
 * is read, and only for the embedded database is one generated, because a generated secret on a shared
 * database would make every other instance's stored keys unreadable.
 */
public final class EncryptionSecret {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionSecret.class);

    private EncryptionSecret() {
    }

    public static String resolve(String configured, Path secretFile, boolean mayGenerate) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            if (Files.isRegularFile(secretFile)) {
                String stored = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
                if (stored.isEmpty()) {
                    throw new IllegalStateException("the encryption secret file " + secretFile + " is empty");
                }
                LOG.info("Credential encryption secret read from {}", secretFile);
                return stored;
            }
            if (!mayGenerate) {
                throw new IllegalStateException("AUTH_ENCRYPTION_SECRET is not set and " + secretFile
                        + " does not exist; set the secret that encrypted this database's provider keys");
            }
            return generate(secretFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write the encryption secret file " + secretFile, e);
        }
    }

    private static String generate(Path secretFile) throws IOException {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path parent = secretFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException e) {
            Files.createFile(secretFile);
        }
        Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);
        LOG.warn("AUTH_ENCRYPTION_SECRET is not set: generated a credential encryption secret in {} (mode 0600). "
                + "Keep this file with the database; set AUTH_ENCRYPTION_SECRET to use your own.", secretFile);
        return secret;
    }
}
