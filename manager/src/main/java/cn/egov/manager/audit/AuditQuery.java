package cn.egov.manager.audit;

/**
 * Which entries of the audit log to read, newest first: written in {@code [from, to)} (ms since the
 * epoch), by one actor and of one action when those are given, older than the cursor {@code before}
 * (an entry id, from {@link AuditPage#next()}), at most {@code limit} of them.
 *
 * @param from   first ms of the period, {@code 0} for the beginning
 * @param to     ms after the period, {@link Long#MAX_VALUE} for now
 * @param actor  exactly this actor, or null for any
 * @param action exactly this action ({@code ca.revoke}), or null for any
 * @param before only entries with a smaller id, {@link Long#MAX_VALUE} for the newest
 * @param limit  at most this many
 */
public record AuditQuery(long from, long to, String actor, String action, long before, int limit) {

    public AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }

    /** The newest {@code limit} entries, unfiltered. */
    public static AuditQuery newest(int limit) {
        return new AuditQuery(0, Long.MAX_VALUE, null, null, Long.MAX_VALUE, limit);
    }

    /** The same filters, the page after the one that ended before id {@code cursor}. */
    public AuditQuery before(long cursor) {
        return new AuditQuery(from, to, actor, action, cursor, limit);
    }
}
