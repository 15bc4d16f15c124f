package cn.egov.manager.ca;

import java.time.Duration;
import java.util.Objects;

/**
 * What the provincial CA needs from the manager's configuration file (section {@code ca.*}):
 * names, lifetimes and the public URLs written into every certificate. The key store
 * passphrase is NOT here: it is read from the file named by {@code ca.passphrase_file} (see
 * {@code manager/docs/ca.md}) and handed to {@link ProvincialCa#open} separately.
 *
 * @param organisation     O= of every CA and end-entity subject
 * @param country          C= of every subject
 * @param boxLifetime      validity of box certificates; boxes renew at two thirds of it
 * @param hubLifetime      validity of backbone hub and TLS server certificates
 * @param signingLifetime  validity of SM2 document-signing certificates
 * @param crlInterval      how often a CRL is published; nextUpdate is twice this ahead
 * @param crlUrl           CRL distribution point written into issued certificates (HTTP)
 * @param ocspUrl          OCSP responder written into issued certificates' AIA (HTTP)
 */
public record CaSettings(String organisation, String country, Duration boxLifetime, Duration hubLifetime,
                         Duration signingLifetime, Duration crlInterval, String crlUrl, String ocspUrl) {

    /** Defaults used when the configuration names none. */
    public static final String DEFAULT_ORGANISATION = "Hebei Provincial E-Government CA";
    public static final Duration DEFAULT_BOX_LIFETIME = Duration.ofDays(90);
    public static final Duration DEFAULT_HUB_LIFETIME = Duration.ofDays(365);
    public static final Duration DEFAULT_SIGNING_LIFETIME = Duration.ofDays(730);
    public static final Duration DEFAULT_CRL_INTERVAL = Duration.ofHours(1);
    public static final Duration ROOT_LIFETIME = Duration.ofDays(20 * 365);
    public static final Duration ISSUING_LIFETIME = Duration.ofDays(10 * 365);

    public CaSettings {
        Objects.requireNonNull(organisation, "organisation");
        Objects.requireNonNull(country, "country");
        requirePositive(boxLifetime, "box lifetime");
        requirePositive(hubLifetime, "hub lifetime");
        requirePositive(signingLifetime, "signing lifetime");
        requirePositive(crlInterval, "CRL interval");
        Objects.requireNonNull(crlUrl, "crlUrl");
        Objects.requireNonNull(ocspUrl, "ocspUrl");
    }

    /** Defaults, with the CRL and OCSP URLs of a manager reachable at {@code httpBase} (e.g. http://ca.hebei.gov.cn:8081). */
    public static CaSettings defaults(String httpBase) {
        String base = httpBase.endsWith("/") ? httpBase.substring(0, httpBase.length() - 1) : httpBase;
        return new CaSettings(DEFAULT_ORGANISATION, "CN", DEFAULT_BOX_LIFETIME, DEFAULT_HUB_LIFETIME,
                DEFAULT_SIGNING_LIFETIME, DEFAULT_CRL_INTERVAL, base + CaHttpPaths.CRL_ISSUING, base + CaHttpPaths.OCSP);
    }

    public CaSettings withBoxLifetime(Duration lifetime) {
        return new CaSettings(organisation, country, lifetime, hubLifetime, signingLifetime, crlInterval, crlUrl, ocspUrl);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + (d == null ? "none" : d.toMillis() + " ms"));
        }
    }
}
