package cn.egov.manager.ca;

/**
 * The CA's keys in the manager's configuration file (prefix {@code ca.}): one schema for
 * parsing, validation and the documentation ({@code manager ca config-keys}, {@code manager/docs/ca.md}).
 */
public enum CaConfigKey {
    DIR("ca.dir", "", "Folder of the CA: encrypted key store ca-keys.p12, register ca.db, published CRLs crl/. Empty means <data.dir>/ca."),
    PASSPHRASE_FILE("ca.passphrase-file", "", "File whose first line is the key store passphrase (mode 0600). Required: the passphrase is never in code or in this file."),
    BIND("ca.bind", "127.0.0.1", "Address of the CA's HTTPS (EST) and HTTP (CRL, OCSP) connectors."),
    EST_PORT("ca.est-port", "8443", "HTTPS port of EST (/.well-known/est/...); 0 picks a free port."),
    HTTP_PORT("ca.http-port", "8081", "HTTP port of the CRLs (/crl/issuing.crl, /crl/root.crl) and OCSP (/ocsp); 0 is not allowed: the URL goes into every certificate."),
    PUBLIC_URL("ca.public-url", "", "Base URL of the HTTP connector as boxes reach it, written into certificates (CRL DP, OCSP). Empty means http://<ca.bind>:<ca.http-port>."),
    EST_DNS_NAMES("ca.est-dns-names", "localhost", "Comma-separated DNS names in the EST server's TLS certificate."),
    EST_IPS("ca.est-ips", "127.0.0.1", "Comma-separated IP addresses in the EST server's TLS certificate."),
    BOX_LIFETIME_DAYS("ca.box-lifetime-days", "90", "Validity of box certificates in days; boxes renew at two thirds of it."),
    CRL_INTERVAL_S("ca.crl-interval-s", "3600", "Seconds between CRL publications; each CRL is valid for two intervals."),
    TOKEN_TTL_HOURS("ca.token-ttl-hours", "72", "Default lifetime of an enrolment token in hours."),
    REVOCATION_CHECK_MS("ca.revocation-check-ms", "1000", "How often the serving CA looks for revocations made by another process (manager ca revoke) and then publishes fresh CRLs. OCSP answers from the register at once."),
    CRL_COPY_DIRS("ca.crl-copy-dirs", "", "Comma-separated folders that receive issuing.crl.pem and root.crl.pem at every publication, each file replaced atomically: /etc/swanctl/x509crl of a hub on this host, the folder of Mosquitto's crlfile. Empty: only <ca.dir>/crl/."),
    CRL_RELOAD_COMMAND("ca.crl-reload-command", "", "Command run after every CRL publication, split on blanks, no shell, e.g. 'systemctl reload mosquitto' (Mosquitto 2.0 rereads crlfile on SIGHUP) or 'swanctl --load-creds'. Empty: none."),
    CRL_RELOAD_TIMEOUT_S("ca.crl-reload-timeout-s", "60", "Seconds a CRL reload command may run before it is killed and reported as failed.");

    public final String key;
    public final String defaultValue;
    public final String description;

    CaConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The key without the {@code ca.} prefix, as {@code ManagerConfig.extension("ca")} returns it. */
    String shortKey() {
        return key.substring("ca.".length());
    }

    /** Documented sample lines for the manager's configuration file. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# Provincial CA (see manager/docs/ca.md)\n");
        for (CaConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n').append('#').append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        return sb.toString();
    }
}
