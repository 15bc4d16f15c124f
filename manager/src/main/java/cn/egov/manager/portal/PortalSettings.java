package cn.egov.manager.portal;

import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
public record PortalSettings(Path dir, String bind, int port, List<String> tlsDnsNames, List<String> tlsIps, Duration validity,
                             Duration staleAfter, long maxFileBytes, int keepVersions, String frameAncestors, Duration checkPeriod,
                             int queue) {

    /** {@code portal.port} empty: no content server. */
    public static final int NO_SERVER = -1;

    public static PortalSettings from(ManagerConfig config) {
        Map<String, String> raw = config.extension("portal");
        String src = config.source();
        for (String k : raw.keySet()) {
            if (Arrays.stream(PortalConfigKey.values()).noneMatch(c -> c.shortKey().equals(k))) {
                throw new ConfigException(src + ": unknown key 'portal." + k + "' (see 'manager portal config-keys')");
            }
        }
        Map<PortalConfigKey, String> v = new EnumMap<>(PortalConfigKey.class);
        for (PortalConfigKey k : PortalConfigKey.values()) {
            v.put(k, raw.getOrDefault(k.shortKey(), k.defaultValue).strip());
        }
        Path dir = v.get(PortalConfigKey.DIR).isEmpty() ? config.dataDir().resolve("portal") : Path.of(v.get(PortalConfigKey.DIR));
        int port = v.get(PortalConfigKey.PORT).isEmpty() ? NO_SERVER : (int) number(src, PortalConfigKey.PORT, v, 0, 65535);
        List<String> dns = list(v.get(PortalConfigKey.TLS_DNS_NAMES));
        List<String> ips = list(v.get(PortalConfigKey.TLS_IPS));
        if (dns.isEmpty() && ips.isEmpty()) {
            throw new ConfigException(src + ": keys '" + PortalConfigKey.TLS_DNS_NAMES.key + "' and '" + PortalConfigKey.TLS_IPS.key
                    + "' are both empty: the content server's certificate needs a name boxes use");
        }
        return new PortalSettings(dir, v.get(PortalConfigKey.BIND), port, dns, ips,
                Duration.ofDays(number(src, PortalConfigKey.VALIDITY_DAYS, v, 1, 3650)),
                Duration.ofDays(number(src, PortalConfigKey.STALE_DAYS, v, 1, 3650)),
                number(src, PortalConfigKey.MAX_FILE_BYTES, v, 1, Long.MAX_VALUE),
                (int) number(src, PortalConfigKey.KEEP_VERSIONS, v, 1, 10_000),
                v.get(PortalConfigKey.FRAME_ANCESTORS),
                Duration.ofSeconds(number(src, PortalConfigKey.CHECK_PERIOD_S, v, 1, 86_400)),
                (int) number(src, PortalConfigKey.NOTICE_QUEUE, v, 1, 1_000_000));
    }

    private static long number(String src, PortalConfigKey k, Map<PortalConfigKey, String> v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.get(k));
        } catch (NumberFormatException e) {
            throw new ConfigException(src + ": key '" + k.key + "' must be a whole number, got '" + v.get(k) + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(src + ": key '" + k.key + "' must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    private static List<String> list(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
