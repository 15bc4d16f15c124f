package cn.egov.manager.ca;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/**
 * The CA's keys in the manager's configuration file (prefix {@code ca.}): one schema for
 * parsing, validation and the documentation ({@code manager ca config-keys}, {@code manager/docs/ca.md}).
 */
public enum CaConfigKey implements PartKey {
    DIR("ca.dir", "", "Folder of the CA: encrypted key store ca-keys.p12, register ca.db, published CRLs crl/. Empty means <data.dir>/ca.", KeySpec.TEXT),
    PASSPHRASE_FILE("ca.passphrase-file", "", "File whose first line is the key store passphrase (mode 0600). Required: the passphrase is never in code or in this file.", KeySpec.TEXT),
    BIND("ca.bind", "127.0.0.1", "Address of the CA's HTTPS (EST) and HTTP (CRL, OCSP) connectors.", KeySpec.TEXT),
    EST_PORT("ca.est-port", "8443", "HTTPS port of EST (/.well-known/est/...); 0 picks a free port.", KeySpec.port(false)),
    HTTP_PORT("ca.http-port", "8081", "HTTP port of the CRLs (/crl/issuing.crl, /crl/root.crl) and OCSP (/ocsp); 0 is not allowed: the URL goes into every certificate.", KeySpec.between(1, 65535)),
    MAX_CONNECTIONS("ca.max-connections", "512", "Most connections the CA's two connectors (EST, CRL/OCSP) hold open at once; at the limit they stop accepting (further clients wait unserved until one closes) and the http.connection-limit alarm is raised.", KeySpec.between(1, 1_000_000)),
    PUBLIC_URL("ca.public-url", "", "Base URL of the HTTP connector as boxes reach it, written into certificates (CRL DP, OCSP). Empty means http://<ca.bind>:<ca.http-port>.", CaConfigKey::httpUrl),
    EST_DNS_NAMES("ca.est-dns-names", "localhost", "Comma-separated DNS names in the EST server's TLS certificate.", KeySpec.TEXT),
    EST_IPS("ca.est-ips", "127.0.0.1", "Comma-separated IP addresses in the EST server's TLS certificate.", KeySpec.TEXT),
    BOX_LIFETIME_DAYS("ca.box-lifetime-days", "90", "Validity of box certificates in days; boxes renew at two thirds of it.", KeySpec.between(1, 3650)),
    CRL_INTERVAL_S("ca.crl-interval-s", "3600", "Seconds between CRL publications; each CRL is valid for two intervals.", KeySpec.between(1, 7 * 86_400)),
    TOKEN_TTL_HOURS("ca.token-ttl-hours", "72", "Default lifetime of an enrolment token in hours.", KeySpec.between(1, 8760)),
    REVOCATION_CHECK_MS("ca.revocation-check-ms", "1000", "How often the serving CA looks for revocations made by another process (manager ca revoke) and then publishes fresh CRLs. OCSP answers from the register at once.", KeySpec.between(1, 3_600_000)),
    CRL_COPY_DIRS("ca.crl-copy-dirs", "", "Comma-separated folders that receive issuing.crl.pem and root.crl.pem at every publication, each file replaced atomically: /etc/swanctl/x509crl of a hub on this host, the folder of Mosquitto's crlfile. Empty: only <ca.dir>/crl/.", KeySpec.TEXT),
    CRL_RELOAD_COMMAND("ca.crl-reload-command", "", "Command run after every CRL publication, split on blanks, no shell, e.g. 'systemctl reload mosquitto' (Mosquitto 2.0 rereads crlfile on SIGHUP) or 'swanctl --load-creds'. Empty: none.", KeySpec.TEXT),
    CRL_RELOAD_TIMEOUT_S("ca.crl-reload-timeout-s", "60", "Seconds a CRL reload command may run before it is killed and reported as failed.", KeySpec.between(1, 3600));

    private final KeySpec spec;

    CaConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
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

    /** Empty (then {@code http://<ca.bind>:<ca.http-port>}) or an http:// URL: CRLs and OCSP answers are signed, so no TLS. */
    private static String httpUrl(String v) {
        return v.isEmpty() || v.startsWith("http://") ? null : "must be an http:// URL (CRLs and OCSP answers are signed), got '" + v + "'";
    }
}
