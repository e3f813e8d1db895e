package io.camelllmproxy.registry.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * One model group of the bootstrap file. {@code columns} holds only the policy columns the file sets (a
 * {@code retry} or {@code cooldown} mapping sets both of its columns, a key it leaves out as null: the default);
 * the members always replace the stored ones. {@code where} is {@code file:line: model_groups[i]}, for errors
 * found only against the database (an unknown member, a name a model already has).
 */
record BootstrapGroup(String name, Map<String, Object> columns, List<Member> members, String where) {

    /** A member as the file names it; {@code where} is its {@code file:line: model_groups[i].members[j]}. */
    record Member(String provider, String modelId, int weight, String where) {
    }
}
