package io.camelllmproxy.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The bootstrap admin credential. Configured ({@code llm.auth.admin-token}) it is used as is; otherwise,
 * on the embedded database, one is generated into a file readable by its owner only, and the log says
 * where it is (never the token), so a newcomer can create the first keys.
 */
public final class AdminToken {

    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken() {
    }

    public static String resolve(String configured, Path file, boolean mayGenerate) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try {
            if (Files.isRegularFile(file)) {
                LOG.info("Admin token read from {}", file);
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            if (!mayGenerate) {
                LOG.warn("No admin token is configured (llm.auth.admin-token): only keys with the admin scope can use /llm");
                return null;
            }
            String token = ApiKeys.generate();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            // The token itself never goes to the log (logs are shipped and kept); its owner reads the file.
            LOG.warn("Generated an admin token in {} (mode 0600); read it with: cat {}", file, file);
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write the admin token file " + file, e);
        }
    }
}
