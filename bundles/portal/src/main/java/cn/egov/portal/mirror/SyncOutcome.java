package cn.egov.portal.mirror;

/**
 * What became of one site at one sync.
 *
 * @param site          the site
 * @param status        what happened
 * @param version       the version concerned (0 when unknown)
 * @param check         for {@link Status#REJECTED}: the check that refused ({@code SnapshotException.Check} label), else ""
 * @param message       one line for the log and the alarm
 * @param filesFetched  content files fetched
 * @param bytesFetched  content bytes fetched
 */
public record SyncOutcome(String site, Status status, long version, String check, String message, int filesFetched, long bytesFetched) {

    /** What happened. */
    public enum Status {
        /** Verified, complete, swapped in: served now. */
        ACCEPTED,
        /** Nothing newer than what is served. */
        UNCHANGED,
        /** Refused by a check; the served snapshot stays. */
        REJECTED,
        /** The manager could not be reached or did not answer: try again later. */
        UNREACHABLE,
        /** Verified but not wanted by this box's configuration (site level). */
        SKIPPED
    }
}
