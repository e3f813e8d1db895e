package io.camelllmproxy.registry;

import java.util.List;

/**
 * A name clients send as {@code model} that stands for several deployments (README, "Model groups").
 * {@code firstTokenTimeoutMs} null: a stream's first event is awaited as long as the provider read timeout.
 */
public record ModelGroup(
        String id,
        String name,
        GroupStrategy strategy,
        List<GroupMember> members,
        RetryPolicy retry,
        CooldownPolicy cooldown,
        Long firstTokenTimeoutMs,
        long createdEpochSeconds) {

    public ModelGroup {
        members = List.copyOf(members);
    }

    /** The members that may be called: enabled models of enabled providers, in their listed order. */
    public List<GroupMember> servableMembers() {
        return members.stream().filter(GroupMember::servable).toList();
    }
}
