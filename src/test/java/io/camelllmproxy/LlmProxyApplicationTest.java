package io.camelllmproxy;

import io.camelllmproxy.support.TestDatabase;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: the gateway run as its own JVM, as {@code java -jar} would. */
class LlmProxyApplicationTest {

    record Run(int status, List<String> lines, Path workdir) {
        String text() {
            return String.join("\n", lines);
        }
    }

    /** Runs the application in a child JVM on the test class path, in an empty working directory. */
    static Run runApplication(List<String> jvmOptions, String... args) throws Exception {
        Path workdir = Files.createTempDirectory("llm-proxy-cli");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        // no -Dlog4j2.configurationFile: the main class chooses the logging a user gets, not the quieter test one
        command.addAll(jvmOptions);
        command.add(LlmProxyApplication.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the application ended");
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8).lines().toList(), workdir);
    }

    @Test
    void helpPrintsTheGatewaysOwnUsage() throws Exception {
        for (String flag : new String[] {"--help", "-h"}) {
            Run run = runApplication(List.of(), flag);
            assertEquals(0, run.status(), run.text());
            String text = run.text();
            for (String expected : new String[] {"camel-llm-proxy", "java -jar", "application.properties", "-D",
                    "CAMEL_SERVER_PORT", "AUTH_ENCRYPTION_SECRET", "rotate-secret"}) {
                assertTrue(text.contains(expected), "usage mentions " + expected + ":\n" + text);
            }
            assertFalse(text.contains("Unknown option"), text);
            assertFalse(text.contains("Apache Camel"), "Camel Main's own runner help is not printed:\n" + text);
        }
    }

    @Test
    void aBusyPortStopsTheStartWithOneLineNamingIt() throws Exception {
        TestDatabase database = TestDatabase.create();
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            int port = busy.getLocalPort();
            Run run = runApplication(List.of("-Dcamel.server.port=" + port, "-Dllm.db.url=" + database.url(),
                    "-Dllm.db.user=" + database.user(), "-Dllm.db.password=" + database.password(),
                    "-Dllm.crypto.secret=cli-test-secret", "-Dllm.auth.admin-token=cli-test-admin-token"));
            String text = run.text();
            assertTrue(run.status() != 0, "exit status " + run.status() + ":\n" + text);
            List<String> naming = run.lines().stream().filter(l -> l.contains(String.valueOf(port))).toList();
            assertEquals(1, naming.size(), "one line names the port:\n" + text);
            assertTrue(naming.get(0).contains("port " + port + " is already in use"), naming.get(0));
            assertFalse(text.contains("\tat "), "no stack trace:\n" + text);
            assertFalse(text.contains("Caused by"), "no stack trace:\n" + text);
            assertFalse(text.contains(") started in"), "never reported as started:\n" + text);
        }
    }

    @Test
    void aSecondInstanceOnTheEmbeddedDefaultNamesThePortAndWritesNothing() throws Exception {
        // the embedded default, as a second copy started from the same folder would run: the port is checked
        // before the database (whose file lock would otherwise be the first thing to fail) or ./data is touched
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            int port = busy.getLocalPort();
            Run run = runApplication(List.of("-Dcamel.server.port=" + port));
            String text = run.text();
            assertTrue(run.status() != 0, "exit status " + run.status() + ":\n" + text);
            List<String> naming = run.lines().stream().filter(l -> l.contains("port " + port + " is already in use")).toList();
            assertEquals(1, naming.size(), "one line names the port:\n" + text);
            assertFalse(Files.exists(run.workdir().resolve("data")), "nothing was written before the port check:\n" + text);
            assertFalse(text.contains("\tat "), "no stack trace:\n" + text);
        }
    }

    @Test
    void aSymlinkedRoutesFolderIsFollowed() throws Exception {
        Path routes = Path.of("routes").toAbsolutePath();
        long files;
        try (var list = Files.list(routes)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).count();
        }
        Path link = Files.createTempDirectory("llm-proxy-routes").resolve("routes");
        Files.createSymbolicLink(link, routes);

        String pattern = LlmProxyApplication.routesIncludePattern(link);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Collection<Resource> found = PluginHelper.getPackageScanResourceResolver(context).findResources(pattern);
            assertTrue(files > 0);
            assertEquals(files, found.size(), "every route file behind the link is found by " + pattern);
        }
        assertEquals("classpath:camel-llm-proxy/routes/*.camel.yaml",
                LlmProxyApplication.routesIncludePattern(link.resolveSibling("no-such-folder")));
        assertTrue(pattern.startsWith("file:") && !pattern.contains(link.toString() + File.separator), pattern);
    }
}
