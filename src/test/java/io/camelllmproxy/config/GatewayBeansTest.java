package io.camelllmproxy.config;

import io.camelllmproxy.support.GatewayHarness;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading routes/ tells where every bean comes from: each bean a route names is declared by a {@code beans:} item of
 * the route files, with a type the running gateway's bean really has, and every bean the gateway makes for the
 * routes is declared there.
 */
class GatewayBeansTest {

    private static final Pattern DECLARED = Pattern.compile("- name: (llm-[a-z-]+)\\n\\s+type: ([\\w.$]+)");
    private static final Pattern NAMED = Pattern.compile("(?:ref: ?|ref:|\"#)(llm-[a-z-]+)");

    @Test
    void everyBeanTheRoutesNameIsDeclaredInRoutesWithItsRealType() throws Exception {
        Map<String, String> declared = new LinkedHashMap<>();
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                String yaml = Files.readString(file);
                Matcher d = DECLARED.matcher(yaml);
                while (d.find()) {
                    declared.put(d.group(1), d.group(2));
                }
                Matcher n = NAMED.matcher(yaml);
                while (n.find()) {
                    named.add(n.group(1));
                }
            }
        }
        assertTrue(named.size() > 20, "the routes name the gateway's beans: " + named);
        Set<String> undeclared = new TreeSet<>(named);
        undeclared.removeAll(declared.keySet());
        assertEquals(Set.of(), undeclared, "named by a route but declared by none");

        try (GatewayHarness gateway = GatewayHarness.start("providers: []\n", Map.of())) {
            GatewayBeans made = gateway.camelContext().getRegistry().lookupByNameAndType("llm-gateway", GatewayBeans.class);
            Set<String> notDeclared = new TreeSet<>(made.names());
            notDeclared.removeAll(declared.keySet());
            assertEquals(Set.of(), notDeclared, "made for the routes but declared nowhere in routes/");
            for (Map.Entry<String, String> bean : declared.entrySet()) {
                Object instance = gateway.camelContext().getRegistry().lookupByName(bean.getKey());
                assertInstanceOf(Class.forName(bean.getValue()), instance, bean.getKey() + " is what routes/ says");
            }
        }
    }
}
