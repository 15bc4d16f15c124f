package cn.egov.manager.ca;

import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The CA's part of the manager configuration, validated: every error names the file and key.
 *
 * @param dir            CA folder
 * @param passphraseFile file holding the key store passphrase
 * @param bind           address of both connectors
 * @param estPort        HTTPS (EST) port
 * @param httpPort       HTTP (CRL, OCSP) port
 * @param settings       what goes into certificates
 * @param estDnsNames    EST TLS certificate DNS names
 * @param estIps         EST TLS certificate IP addresses
 * @param tokenTtl       default enrolment token lifetime
 * @param crls           where CRLs go besides HTTP, and how often revocations by other processes are looked for
 */
public record CaConfig(Path dir, Path passphraseFile, String bind, int estPort, int httpPort, CaSettings settings,
                       List<String> estDnsNames, List<String> estIps, Duration tokenTtl, CrlPublication crls) {

    /** True when the file configures a CA (a passphrase file is named): {@code manager run} then starts it. */
    public static boolean configured(ManagerConfig config) {
        String p = config.extension("ca").get(CaConfigKey.PASSPHRASE_FILE.shortKey());
        return p != null && !p.isBlank();
    }

    public static CaConfig from(ManagerConfig config) {
        Map<String, String> raw = config.extension("ca");
        for (String k : raw.keySet()) {
            if (Arrays.stream(CaConfigKey.values()).noneMatch(c -> c.shortKey().equals(k))) {
                throw new ConfigException(config.source() + ": unknown key 'ca." + k + "' (see 'manager ca config-keys')");
            }
        }
        Map<CaConfigKey, String> v = new EnumMap<>(CaConfigKey.class);
        for (CaConfigKey k : CaConfigKey.values()) {
            v.put(k, raw.getOrDefault(k.shortKey(), k.defaultValue));
        }
        String src = config.source();
        Path dir = v.get(CaConfigKey.DIR).isBlank() ? config.dataDir().resolve("ca") : Path.of(v.get(CaConfigKey.DIR));
        if (v.get(CaConfigKey.PASSPHRASE_FILE).isBlank()) {
            throw new ConfigException(src + ": key '" + CaConfigKey.PASSPHRASE_FILE.key + "' is required (a file holding the CA key store passphrase)");
        }
        String bind = v.get(CaConfigKey.BIND);
        int estPort = port(src, CaConfigKey.EST_PORT, v, true);
        int httpPort = port(src, CaConfigKey.HTTP_PORT, v, false);
        String publicUrl = v.get(CaConfigKey.PUBLIC_URL).isBlank() ? "http://" + bind + ":" + httpPort : v.get(CaConfigKey.PUBLIC_URL);
        if (!publicUrl.startsWith("http://")) {
            throw new ConfigException(src + ": key '" + CaConfigKey.PUBLIC_URL.key + "' must be an http:// URL (CRLs and OCSP answers are signed), got '" + publicUrl + "'");
        }
        CaSettings settings = CaSettings.defaults(publicUrl)
                .withBoxLifetime(Duration.ofDays(positive(src, CaConfigKey.BOX_LIFETIME_DAYS, v)));
        settings = new CaSettings(settings.organisation(), settings.country(), settings.boxLifetime(), settings.hubLifetime(),
                settings.signingLifetime(), Duration.ofSeconds(positive(src, CaConfigKey.CRL_INTERVAL_S, v)), settings.crlUrl(), settings.ocspUrl());
        CrlPublication crls = new CrlPublication(dir.resolve("crl"),
                list(v.get(CaConfigKey.CRL_COPY_DIRS)).stream().map(Path::of).toList(),
                Arrays.stream(v.get(CaConfigKey.CRL_RELOAD_COMMAND).strip().split("\\s+")).filter(x -> !x.isEmpty()).toList(),
                Duration.ofSeconds(positive(src, CaConfigKey.CRL_RELOAD_TIMEOUT_S, v)),
                Duration.ofMillis(positive(src, CaConfigKey.REVOCATION_CHECK_MS, v)));
        return new CaConfig(dir, Path.of(v.get(CaConfigKey.PASSPHRASE_FILE)), bind, estPort, httpPort, settings,
                list(v.get(CaConfigKey.EST_DNS_NAMES)), list(v.get(CaConfigKey.EST_IPS)),
                Duration.ofHours(positive(src, CaConfigKey.TOKEN_TTL_HOURS, v)), crls);
    }

    /** Reads the passphrase: the file's first line; refused when the file is readable by others. */
    public char[] passphrase() {
        try {
            if (!Files.exists(passphraseFile)) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key + ": file " + passphraseFile + " does not exist");
            }
            var perms = Files.getPosixFilePermissions(passphraseFile);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key + ": " + passphraseFile
                        + " is readable by group or others; chmod 600 it");
            }
            String first = Files.readAllLines(passphraseFile).stream().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key + ": " + passphraseFile + " is empty");
            }
            return first.toCharArray();
        } catch (IOException e) {
            throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key + ": cannot read " + passphraseFile
                    + (e instanceof java.nio.file.AccessDeniedException ? ": permission denied" : Files.isDirectory(passphraseFile) ? ": it is a folder" : ""));
        }
    }

    private static int port(String src, CaConfigKey k, Map<CaConfigKey, String> v, boolean zeroAllowed) {
        int p = integer(src, k, v);
        if (p < (zeroAllowed ? 0 : 1) || p > 65535) {
            throw new ConfigException(src + ": key '" + k.key + "' must be a port " + (zeroAllowed ? "0" : "1") + "..65535, got " + p);
        }
        return p;
    }

    private static long positive(String src, CaConfigKey k, Map<CaConfigKey, String> v) {
        int n = integer(src, k, v);
        if (n <= 0) {
            throw new ConfigException(src + ": key '" + k.key + "' must be positive, got " + n);
        }
        return n;
    }

    private static int integer(String src, CaConfigKey k, Map<CaConfigKey, String> v) {
        try {
            return Integer.parseInt(v.get(k).strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(src + ": key '" + k.key + "' must be a whole number, got '" + v.get(k) + "'");
        }
    }

    private static List<String> list(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
