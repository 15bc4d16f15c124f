package cn.egov.manager.portal;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/**
 * The portal part's keys in the manager's configuration file (prefix {@code portal.}): one schema
 * for parsing, validation and the documentation ({@code manager portal config-keys}, the manager README).
 */
public enum PortalConfigKey implements PartKey {
    DIR("portal.dir", "", "Folder of the sites' content (blobs/<aa>/<sha256>, one file per distinct content). Empty means <data.dir>/portal.", KeySpec.TEXT),
    BIND("portal.bind", "127.0.0.1", "Address of the content server boxes fetch snapshots from (HTTPS, box certificate required).", KeySpec.TEXT),
    PORT("portal.port", "", "Port of the content server boxes fetch from (HTTPS, box certificate required; needs ca.passphrase-file); empty = no content server (boxes cannot fetch), 0 = a free port (printed at start). The boxes' manager.url names it (8444 in the examples).", KeySpec.port(true)),
    MAX_CONNECTIONS("portal.max-connections", "512", "Most connections the content server holds open at once; at the limit it stops accepting (further boxes wait unserved until one closes) and raises the http.connection-limit alarm.", KeySpec.between(1, 1_000_000)),
    TLS_DNS_NAMES("portal.tls.dns-names", "localhost", "Comma-separated DNS names in the content server's certificate (issued by the provincial CA at each start).", KeySpec.TEXT),
    TLS_IPS("portal.tls.ips", "127.0.0.1", "Comma-separated IP addresses in the content server's certificate.", KeySpec.TEXT),
    VALIDITY_DAYS("portal.validity-days", "30", "A snapshot's expires_at is this many days after it is signed; boxes warn after it and keep serving.", KeySpec.between(1, 3650)),
    STALE_DAYS("portal.stale-days", "14", "A site whose homepage (at the manager, or as a box serves it) is older than this many days is 'not updated': alarm portal.site.stale.", KeySpec.between(1, 3650)),
    MAX_FILE_BYTES("portal.max-file-bytes", "67108864", "Largest file a site may hold (uploads beyond it are refused; boxes have their own limit).", KeySpec.between(1, Long.MAX_VALUE)),
    KEEP_VERSIONS("portal.keep-versions", "10", "Versions of each site kept for boxes that are behind (and for rollback by publishing an old version again); older ones and content no kept version uses are deleted.", KeySpec.between(1, 10_000)),
    FRAME_ANCESTORS("portal.frame-ancestors", "'self'", "Default CSP frame-ancestors sources of a new site (who may frame it).", KeySpec.TEXT),
    CHECK_PERIOD_S("portal.check-period-s", "60", "How often the manager looks for stale and unreachable sites (alarms).", KeySpec.between(1, 86_400)),
    NOTICE_QUEUE("portal.notice-queue", "256", "Bound of the queue of work the portal does off the ingest thread (notices, index catch-up at a box's BIRTH); when full, the item is counted, alarmed (portal.queue.full) and done at the box's next report.", KeySpec.between(1, 1_000_000));

    private final KeySpec spec;

    PortalConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
        this.spec = new KeySpec(key, defaultValue, description, check);
    }

    @Override
    public KeySpec spec() {
        return spec;
    }

    /** The part's schema. */
    public static List<KeySpec> specs() {
        return PartKey.specs(values());
    }

    /** Documented sample lines for the manager's configuration file. */
    public static String sample() {
        return KeySpec.sample("Portal mirror: signed site snapshots for the boxes (see manager/README.md)", specs());
    }
}
