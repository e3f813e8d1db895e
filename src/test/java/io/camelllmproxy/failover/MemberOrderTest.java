package io.camelllmproxy.failover;

import io.camelllmproxy.registry.GroupMember;
import io.camelllmproxy.registry.GroupStrategy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order each strategy gives a request's members. */
class MemberOrderTest {

    static final GroupMember A = new GroupMember("a", "pa", "m", 1, null);
    static final GroupMember B = new GroupMember("b", "pb", "m", 3, null);
    static final GroupMember C = new GroupMember("c", "pc", "m", 2, null);
    static final List<GroupMember> MEMBERS = List.of(A, B, C);

    @Test
    void fallbackKeepsTheListedOrder() {
        assertEquals(MEMBERS, MemberOrder.of(GroupStrategy.FALLBACK, MEMBERS, m -> 0));
    }

    @Test
    void weightedDrawsByWeightAndFollowsWithTheHeaviest() {
        // total 6: [0,1) A, [1,4) B, [4,6) C
        assertEquals(List.of(A, B, C), MemberOrder.of(GroupStrategy.WEIGHTED, MEMBERS, m -> 0, 0.0 / 6));
        assertEquals(List.of(B, C, A), MemberOrder.of(GroupStrategy.WEIGHTED, MEMBERS, m -> 0, 1.5 / 6));
        assertEquals(List.of(C, B, A), MemberOrder.of(GroupStrategy.WEIGHTED, MEMBERS, m -> 0, 5.9 / 6));
    }

    @Test
    void weightedSharesMatchTheWeightsOverManyDraws() {
        Random random = new Random(42);
        Map<GroupMember, Integer> first = new java.util.HashMap<>();
        int draws = 60_000;
        for (int i = 0; i < draws; i++) {
            first.merge(MemberOrder.of(GroupStrategy.WEIGHTED, MEMBERS, m -> 0, random.nextDouble()).get(0), 1, Integer::sum);
        }
        assertEquals(1 / 6.0, first.get(A) / (double) draws, 0.01);
        assertEquals(3 / 6.0, first.get(B) / (double) draws, 0.01);
        assertEquals(2 / 6.0, first.get(C) / (double) draws, 0.01);
    }

    @Test
    void leastBusyPutsTheIdlestFirstAndBreaksTiesByListing() {
        Map<GroupMember, Integer> inFlight = Map.of(A, 4, B, 1, C, 1);
        assertEquals(List.of(B, C, A), MemberOrder.of(GroupStrategy.LEAST_BUSY, MEMBERS, inFlight::get));
        assertEquals(MEMBERS, MemberOrder.of(GroupStrategy.LEAST_BUSY, MEMBERS, m -> 0));
    }

    @Test
    void leastBusyToleratesCountsThatChangeWhileSorting() {
        java.util.concurrent.atomic.AtomicInteger changing = new java.util.concurrent.atomic.AtomicInteger();
        List<GroupMember> many = java.util.stream.IntStream.range(0, 64)
                .mapToObj(i -> new GroupMember("r" + i, "p" + i, "m", 1, null)).toList();
        List<GroupMember> order = MemberOrder.of(GroupStrategy.LEAST_BUSY, many, m -> changing.incrementAndGet() % 7);
        assertEquals(64, order.size());
        assertTrue(order.containsAll(many));
    }
}
