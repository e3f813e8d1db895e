package io.camelllmproxy.registry;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the pool that a connection to an H2 server which failed with a broken session is dead. Hikari evicts a
 * connection on PostgreSQL's connection errors (SQLState 08...) but not on H2's own codes, and it tests a
 * connection only after 500 ms idle: a timer that reuses its connection more often than that (the registry
 * reload, the usage ledger) would reuse the dead one for ever once the server came back.
 */
public final class BrokenH2Connections implements SQLExceptionOverride {

    /** CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN (org.h2.api.ErrorCode). */
    private static final Set<Integer> BROKEN = Set.of(90067, 90098, 90121);

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return BROKEN.contains(e.getErrorCode()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
