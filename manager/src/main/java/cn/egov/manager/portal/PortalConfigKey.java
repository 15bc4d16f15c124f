package cn.egov.manager.portal;

/**
 * The portal part's keys in the manager's configuration file (prefix {@code portal.}): one schema
 * for parsing, validation and the documentation ({@code manager portal config-keys}, the manager README).
 */
public enum PortalConfigKey {
    DIR("portal.dir", "", "Folder of the sites' content (blobs/<aa>/<sha256>, one file per distinct content). Empty means <data.dir>/portal."),
    BIND("portal.bind", "127.0.0.1", "Address of the content server boxes fetch snapshots from (HTTPS, box certificate required)."),
    PORT("portal.port", "", "Port of the content server boxes fetch from (HTTPS, box certificate required; needs ca.passphrase-file); empty = no content server (boxes cannot fetch), 0 = a free port (printed at start). The boxes' manager.url names it (8444 in the examples)."),
    TLS_DNS_NAMES("portal.tls.dns-names", "localhost", "Comma-separated DNS names in the content server's certificate (issued by the provincial CA at each start)."),
    TLS_IPS("portal.tls.ips", "127.0.0.1", "Comma-separated IP addresses in the content server's certificate."),
    VALIDITY_DAYS("portal.validity-days", "30", "A snapshot's expires_at is this many days after it is signed; boxes warn after it and keep serving."),
    STALE_DAYS("portal.stale-days", "14", "A site whose homepage (at the manager, or as a box serves it) is older than this many days is 'not updated': alarm portal.site.stale."),
    MAX_FILE_BYTES("portal.max-file-bytes", "67108864", "Largest file a site may hold (uploads beyond it are refused; boxes have their own limit)."),
    KEEP_VERSIONS("portal.keep-versions", "10", "Versions of each site kept for boxes that are behind (and for rollback by publishing an old version again); older ones and content no kept version uses are deleted."),
    FRAME_ANCESTORS("portal.frame-ancestors", "'self'", "Default CSP frame-ancestors sources of a new site (who may frame it)."),
    CHECK_PERIOD_S("portal.check-period-s", "60", "How often the manager looks for stale and unreachable sites (alarms)."),
    NOTICE_QUEUE("portal.notice-queue", "256", "Bound of the queue of work the portal does off the ingest thread (notices, index catch-up at a box's BIRTH); when full, the item is counted, alarmed (portal.queue.full) and done at the box's next report.");

    public final String key;
    public final String defaultValue;
    public final String description;

    PortalConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The key without the {@code portal.} prefix, as {@code ManagerConfig.extension("portal")} returns it. */
    String shortKey() {
        return key.substring("portal.".length());
    }

    /** Documented sample lines for the manager's configuration file. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# Portal mirror: signed site snapshots for the boxes (see manager/README.md)\n");
        for (PortalConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n').append('#').append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        return sb.toString();
    }
}
