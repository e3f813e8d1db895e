package io.camelllmproxy.registry.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * One provider of the bootstrap file with its models. {@code columns} holds only the keys the file
 * sets, already typed and expanded, so an update touches those columns and nothing else.
 */
record BootstrapEntry(String name, Map<String, Object> columns, List<Map<String, Object>> models, int line) {
}
