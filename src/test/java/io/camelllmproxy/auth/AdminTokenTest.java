package io.camelllmproxy.auth;

import io.camelllmproxy.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bootstrap admin token: configured, generated once into an owner-only file, or absent. */
class AdminTokenTest {

    @Test
    void aConfiguredTokenWins() throws Exception {
        Path file = Files.createTempDirectory("token").resolve("admin.token");
        assertEquals("configured", AdminToken.resolve(" configured ", file, true));
        assertTrue(Files.notExists(file));
    }

    @Test
    void onTheEmbeddedDatabaseOneIsGeneratedOnceIntoAnOwnerOnlyFile() throws Exception {
        Path file = Files.createTempDirectory("token").resolve("data/admin.token");
        String generated = AdminToken.resolve(null, file, true);
        assertTrue(generated.startsWith(ApiKeys.PREFIX) && generated.length() == ApiKeys.PREFIX.length() + 40);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        assertEquals(generated, AdminToken.resolve(null, file, true), "read back, not generated again");
    }

    @Test
    void onASharedDatabaseNoneIsGenerated() throws Exception {
        Path file = Files.createTempDirectory("token").resolve("admin.token");
        assertNull(AdminToken.resolve(null, file, false));
        assertTrue(Files.notExists(file));
    }

    @Test
    void theLogSaysWhereTheGeneratedTokenIsButNeverTheToken() throws Exception {
        Path file = Files.createTempDirectory("token").resolve("data/admin.token");
        String generated;
        try (LogCapture log = LogCapture.of(AdminToken.class, Level.ALL)) {
            generated = AdminToken.resolve(null, file, true);
            assertEquals(generated, AdminToken.resolve(null, file, true));
            assertTrue(log.texts().stream().anyMatch(l -> l.contains("cat " + file)), "how to read it: " + log.texts());
            for (String line : log.texts()) {
                assertFalse(line.contains(generated), "the token is in the log: " + line);
                assertFalse(line.contains(generated.substring(ApiKeys.PREFIX.length(), ApiKeys.PREFIX.length() + 12)), line);
            }
        }
    }
}
