package cn.egov.api.telemetry;

/**
 * Wire names of the portal mirror's telemetry, shared by the box bundle ({@code portal}) and the
 * manager's portal part. Application id {@link #APP}:
 *
 * <ul>
 * <li>{@code <account>/<client-id>/PORTAL/probe} (priority HEALTH), one per mirrored site and probe:
 *     what the annual inspection measures, taken through the box's own server: {@link #SITE},
 *     {@link #REACHABLE}, {@link #HTTP_STATUS}, {@link #LATENCY_MS}, {@link #SNAPSHOT_VERSION},
 *     {@link #SNAPSHOT_ISSUED_AT}, {@link #SNAPSHOT_AGE_S}, {@link #LAST_MODIFIED_AGE_S}, {@link #STALE},
 *     {@link #EXPIRED}.</li>
 * <li>{@code <account>/<client-id>/PORTAL/snapshot} (priority STATE), after every snapshot the box
 *     took or refused: {@link #SITE}, {@link #VERSION}, {@link #OUTCOME}, {@link #CHECK}, {@link #REASON},
 *     {@link #VERSION_IN_FORCE}, {@link #FILES_FETCHED}, {@link #BYTES_FETCHED}.</li>
 * <li>{@code <account>/<client-id>/PORTAL/notice} (priority ALARM): an emergency notice the unit
 *     published on the box; the body is the {@code SignedNotice} envelope, metrics {@link #SITE},
 *     {@link #NOTICE_ID}.</li>
 * </ul>
 * Alarms ({@code ALARM/<kind>}, source {@code portal}): the {@code *_ALARM} kinds below, each with
 * evidence {@code site} (and {@code unit} at the manager); CLEARED when the condition ends.
 */
public final class PortalMetrics {
    private PortalMetrics() {
    }

    public static final String APP = "PORTAL";
    public static final String PROBE_RESOURCE = "probe";
    public static final String SNAPSHOT_RESOURCE = "snapshot";
    public static final String NOTICE_RESOURCE = "notice";

    public static final String SITE = "site";
    /** true when the homepage answered 200 through the box's own server. */
    public static final String REACHABLE = "reachable";
    /** HTTP status of the homepage (0 when there was no answer). */
    public static final String HTTP_STATUS = "http_status";
    public static final String LATENCY_MS = "latency_ms";
    /** Version of the snapshot served (0 when none). */
    public static final String SNAPSHOT_VERSION = "snapshot_version";
    /** ms since the epoch when the snapshot served was signed. */
    public static final String SNAPSHOT_ISSUED_AT = "snapshot_issued_at";
    /** Seconds since the snapshot served was signed. */
    public static final String SNAPSHOT_AGE_S = "snapshot_age_s";
    /** Seconds since the homepage's Last-Modified: the content freshness the inspection checks. */
    public static final String LAST_MODIFIED_AGE_S = "last_modified_age_s";
    /** true when the homepage is older than the configured number of days. */
    public static final String STALE = "stale";
    /** true when the manifest served is past its expires_at (served anyway). */
    public static final String EXPIRED = "expired";

    public static final String VERSION = "version";
    /** ACCEPTED or REJECTED. */
    public static final String OUTCOME = "outcome";
    /** The refusing check ({@code SnapshotException.Check} label) or "". */
    public static final String CHECK = "check";
    public static final String REASON = "reason";
    public static final String VERSION_IN_FORCE = "version_in_force";
    public static final String FILES_FETCHED = "files_fetched";
    public static final String BYTES_FETCHED = "bytes_fetched";
    public static final String NOTICE_ID = "notice_id";

    /** A snapshot was refused; the served one stays. Evidence: site, version, check, reason. */
    public static final String SNAPSHOT_REJECTED_ALARM = "portal.snapshot.rejected";
    /** A file on the box's disk no longer has its hash: refused, fetched again. Evidence: site, path, sha256, found. */
    public static final String TAMPERED_ALARM = "portal.file.tampered";
    /** The homepage did not answer 200 through the box's own server. */
    public static final String UNREACHABLE_ALARM = "portal.site.unreachable";
    /** The homepage is older than the configured number of days ("site not updated"). */
    public static final String STALE_ALARM = "portal.site.stale";
    /** The manifest served is past its expires_at: served anyway (see the portal README). */
    public static final String EXPIRED_ALARM = "portal.manifest.expired";
}
