package io.camelllmproxy.failover;

import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.GroupStrategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;

/**
 * The order in which one request tries a group's members, by the group's strategy: the first is the member the
 * strategy picks, the rest follow as fallbacks.
 */
public final class MemberOrder {

    private MemberOrder() {
    }

    /** {@code inFlight} tells least-busy how many requests each member has now; {@code draw} is in [0, 1). */
    public static List<GroupMember> of(GroupStrategy strategy, List<GroupMember> members,
                                       ToIntFunction<GroupMember> inFlight, double draw) {
        if (members.size() < 2) {
            return members;
        }
        return switch (strategy) {
            case FALLBACK -> members;
            case WEIGHTED -> weighted(members, draw);
            case LEAST_BUSY -> leastBusy(members, inFlight);
        };
    }

    public static List<GroupMember> of(GroupStrategy strategy, List<GroupMember> members, ToIntFunction<GroupMember> inFlight) {
        return of(strategy, members, inFlight, strategy == GroupStrategy.WEIGHTED ? ThreadLocalRandom.current().nextDouble() : 0);
    }

    /** One member drawn with probability weight / total; the rest by weight, heaviest first (ties in listed order). */
    static List<GroupMember> weighted(List<GroupMember> members, double draw) {
        long total = 0;
        for (GroupMember m : members) {
            total += m.weight();
        }
        double point = draw * total;
        GroupMember drawn = members.get(members.size() - 1);
        long upTo = 0;
        for (GroupMember m : members) {
            upTo += m.weight();
            if (point < upTo) {
                drawn = m;
                break;
            }
        }
        List<GroupMember> order = new ArrayList<>(members.size());
        order.add(drawn);
        List<GroupMember> rest = new ArrayList<>(members);
        rest.remove(drawn);
        rest.sort(Comparator.comparingInt(GroupMember::weight).reversed());
        order.addAll(rest);
        return order;
    }

    /** Fewest requests in flight first; ties in listed order, so an idle group behaves as fallback. */
    static List<GroupMember> leastBusy(List<GroupMember> members, ToIntFunction<GroupMember> inFlight) {
        // counts read once: they change under the sort, and a comparator must not
        Map<GroupMember, Integer> busy = new IdentityHashMap<>();
        for (GroupMember m : members) {
            busy.put(m, inFlight.applyAsInt(m));
        }
        List<GroupMember> order = new ArrayList<>(members);
        order.sort(Comparator.comparingInt(busy::get));
        return order;
    }
}
