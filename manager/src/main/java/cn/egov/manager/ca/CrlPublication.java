package cn.egov.manager.ca;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a published CRL goes besides the HTTP endpoint, and how quickly a serving CA notices a
 * revocation made by another process ({@code manager ca revoke}). From the {@code ca.crl-*} keys.
 *
 * @param dir             {@code <ca.dir>/crl}: {@code issuing.crl.pem}, {@code root.crl.pem}, {@code sm2.crl.pem}
 * @param copyDirs        folders that receive {@code issuing.crl.pem} and {@code root.crl.pem} (the CRLs of the
 *                        TLS and IKE chain) at each publication, each file replaced atomically: strongSwan's
 *                        {@code x509crl/} on a hub on this host, the folder of Mosquitto's {@code crlfile}
 * @param reloadCommand   run after each publication, without a shell (empty: none), e.g.
 *                        {@code systemctl reload mosquitto} or {@code swanctl --load-creds}
 * @param reloadTimeout   a reload command still running after this is killed and reported
 * @param revocationCheck how often a serving CA compares the register's revocation count with the one its CRLs reflect
 */
public record CrlPublication(Path dir, List<Path> copyDirs, List<String> reloadCommand, Duration reloadTimeout,
                             Duration revocationCheck) {

    /** The defaults of {@code ca.crl-reload-timeout-s} and {@code ca.revocation-check-ms}, from their schema. */
    public static final Duration DEFAULT_RELOAD_TIMEOUT = Duration.ofSeconds(Long.parseLong(CaConfigKey.CRL_RELOAD_TIMEOUT_S.defaultValue()));
    public static final Duration DEFAULT_REVOCATION_CHECK = Duration.ofMillis(Long.parseLong(CaConfigKey.REVOCATION_CHECK_MS.defaultValue()));

    public CrlPublication {
        Objects.requireNonNull(dir, "dir");
        copyDirs = List.copyOf(copyDirs);
        reloadCommand = List.copyOf(reloadCommand);
        if (reloadTimeout.isNegative() || reloadTimeout.isZero() || revocationCheck.isNegative() || revocationCheck.isZero()) {
            throw new IllegalArgumentException("reload timeout and revocation check interval must be positive");
        }
    }

    /** CRL files in {@code dir} only: no copies, no reload command, default intervals. */
    public static CrlPublication in(Path dir) {
        return new CrlPublication(dir, List.of(), List.of(), DEFAULT_RELOAD_TIMEOUT, DEFAULT_REVOCATION_CHECK);
    }
}
