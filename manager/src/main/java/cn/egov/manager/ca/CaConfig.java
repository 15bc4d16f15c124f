package cn.egov.manager.ca;

import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.config.PartValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The CA's part of the manager configuration, validated: every error names the file and key.
 *
 * @param dir            CA folder
 * @param passphraseFile file holding the key store passphrase
 * @param bind           address of both connectors
 * @param estPort        HTTPS (EST) port
 * @param httpPort       HTTP (CRL, OCSP) port
 * @param maxConnections most connections both connectors hold open at once
 * @param settings       what goes into certificates
 * @param estDnsNames    EST TLS certificate DNS names
 * @param estIps         EST TLS certificate IP addresses
 * @param tokenTtl       default enrolment token lifetime
 * @param crls           where CRLs go besides HTTP, and how often revocations by other processes are looked for
 */
public record CaConfig(Path dir, Path passphraseFile, String bind, int estPort, int httpPort, int maxConnections, CaSettings settings,
                       List<String> estDnsNames, List<String> estIps, Duration tokenTtl, CrlPublication crls) {

    /** True when the file configures a CA (a passphrase file is named): {@code manager run} then starts it. */
    public static boolean configured(ManagerConfig config) {
        String p = config.extension("ca").get(CaConfigKey.PASSPHRASE_FILE.shortKey());
        return p != null && !p.isBlank();
    }

    public static CaConfig from(ManagerConfig config) {
        PartValues v = PartValues.of(config, CaConfigKey.values());
        Path dir = v.text(CaConfigKey.DIR).isEmpty() ? config.dataDir().resolve("ca") : Path.of(v.text(CaConfigKey.DIR));
        if (v.text(CaConfigKey.PASSPHRASE_FILE).isEmpty()) {
            throw v.refuse(CaConfigKey.PASSPHRASE_FILE, "is required (a file holding the CA key store passphrase)");
        }
        String bind = v.text(CaConfigKey.BIND);
        int httpPort = v.integer(CaConfigKey.HTTP_PORT);
        String publicUrl = v.text(CaConfigKey.PUBLIC_URL).isEmpty() ? "http://" + bind + ":" + httpPort : v.text(CaConfigKey.PUBLIC_URL);
        CaSettings settings = CaSettings.defaults(publicUrl)
                .withBoxLifetime(Duration.ofDays(v.number(CaConfigKey.BOX_LIFETIME_DAYS)));
        settings = new CaSettings(settings.organisation(), settings.country(), settings.boxLifetime(), settings.hubLifetime(),
                settings.signingLifetime(), Duration.ofSeconds(v.number(CaConfigKey.CRL_INTERVAL_S)), settings.crlUrl(), settings.ocspUrl());
        CrlPublication crls = new CrlPublication(dir.resolve("crl"),
                v.list(CaConfigKey.CRL_COPY_DIRS).stream().map(Path::of).toList(),
                Arrays.stream(v.text(CaConfigKey.CRL_RELOAD_COMMAND).split("\\s+")).filter(x -> !x.isEmpty()).toList(),
                Duration.ofSeconds(v.number(CaConfigKey.CRL_RELOAD_TIMEOUT_S)),
                Duration.ofMillis(v.number(CaConfigKey.REVOCATION_CHECK_MS)));
        return new CaConfig(dir, Path.of(v.text(CaConfigKey.PASSPHRASE_FILE)), bind, v.integer(CaConfigKey.EST_PORT), httpPort,
                v.integer(CaConfigKey.MAX_CONNECTIONS), settings,
                v.list(CaConfigKey.EST_DNS_NAMES), v.list(CaConfigKey.EST_IPS), Duration.ofHours(v.number(CaConfigKey.TOKEN_TTL_HOURS)), crls);
    }

    /** Reads the passphrase: the file's first line; refused when the file is readable by others. */
    public char[] passphrase() {
        try {
            if (!Files.exists(passphraseFile)) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key() + ": file " + passphraseFile + " does not exist");
            }
            var perms = Files.getPosixFilePermissions(passphraseFile);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key() + ": " + passphraseFile
                        + " is readable by group or others; chmod 600 it");
            }
            String first = Files.readAllLines(passphraseFile).stream().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key() + ": " + passphraseFile + " is empty");
            }
            return first.toCharArray();
        } catch (IOException e) {
            throw new ConfigException(CaConfigKey.PASSPHRASE_FILE.key() + ": cannot read " + passphraseFile
                    + (e instanceof java.nio.file.AccessDeniedException ? ": permission denied" : Files.isDirectory(passphraseFile) ? ": it is a folder" : ""));
        }
    }
}
