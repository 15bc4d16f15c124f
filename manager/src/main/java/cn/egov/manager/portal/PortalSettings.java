package cn.egov.manager.portal;

import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.config.PartValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The portal part's configuration, validated: every error names the file and key.
 *
 * @param dir            content folder
 * @param bind           content server address
 * @param port           content server port (0: free; {@link #NO_SERVER}: none)
 * @param tlsDnsNames    DNS names in the content server's certificate
 * @param tlsIps         IP addresses in it
 * @param validity       expires_at minus issued_at of a snapshot
 * @param staleAfter     a homepage older than this is "not updated"
 * @param maxFileBytes   largest file of a site
 * @param keepVersions   versions kept per site
 * @param frameAncestors default CSP frame-ancestors of a new site
 * @param checkPeriod    period of the stale/unreachable check
 * @param queue          bound of the part's work queue
 */
public record PortalSettings(Path dir, String bind, int port, int maxConnections, List<String> tlsDnsNames, List<String> tlsIps, Duration validity,
                             Duration staleAfter, long maxFileBytes, int keepVersions, String frameAncestors, Duration checkPeriod,
                             int queue) {

    /** {@code portal.port} empty: no content server. */
    public static final int NO_SERVER = -1;

    public static PortalSettings from(ManagerConfig config) {
        PartValues v = PartValues.of(config, PortalConfigKey.values());
        Path dir = v.text(PortalConfigKey.DIR).isEmpty() ? config.dataDir().resolve("portal") : Path.of(v.text(PortalConfigKey.DIR));
        int port = v.text(PortalConfigKey.PORT).isEmpty() ? NO_SERVER : v.integer(PortalConfigKey.PORT);
        List<String> dns = v.list(PortalConfigKey.TLS_DNS_NAMES);
        List<String> ips = v.list(PortalConfigKey.TLS_IPS);
        if (dns.isEmpty() && ips.isEmpty()) {
            throw v.refuse(PortalConfigKey.TLS_DNS_NAMES, "and " + PortalConfigKey.TLS_IPS.key()
                    + " are both empty: the content server's certificate needs a name boxes use");
        }
        return new PortalSettings(dir, v.text(PortalConfigKey.BIND), port, v.integer(PortalConfigKey.MAX_CONNECTIONS), dns, ips,
                Duration.ofDays(v.number(PortalConfigKey.VALIDITY_DAYS)),
                Duration.ofDays(v.number(PortalConfigKey.STALE_DAYS)),
                v.number(PortalConfigKey.MAX_FILE_BYTES),
                v.integer(PortalConfigKey.KEEP_VERSIONS),
                v.text(PortalConfigKey.FRAME_ANCESTORS),
                Duration.ofSeconds(v.number(PortalConfigKey.CHECK_PERIOD_S)),
                v.integer(PortalConfigKey.NOTICE_QUEUE));
    }
}
